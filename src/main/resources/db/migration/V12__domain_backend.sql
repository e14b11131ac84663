-- hostd domain move: the mail backend a domain was moved to, which wins over the domains lists of mail.backends
-- in hostd.yaml (NULL: the backend whose list names the domain, if any). hostd writes mail_route from it.
-- mail_route.transport: where Postfix delivers the domain's mail (provider kit's postfix/hostd-transport.cf, a
-- transport_maps table), e.g. lmtp:inet:10.0.0.12:24 or lmtp:unix:/var/lib/cyrus-hostd/run/lmtp; NULL: Postfix's
-- virtual_transport.

ALTER TABLE domain ADD COLUMN backend TEXT NULL;
ALTER TABLE mail_route ADD COLUMN transport TEXT NULL;
