-- Recipient searches ("was my mail to X sent?") look up original recipients too.
CREATE INDEX maillog_recipient_orig_to ON maillog_recipient (orig_to_norm);
CREATE INDEX maillog_reject_recipient ON maillog_reject (recipient_norm);
