package org.hostctl.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The {@code mail_route} table an IMAP/POP3 proxy reads: the backend of each domain. */
public final class MailRouteRepository {

    /**
     * One domain's backend as the proxy reaches it, and as Postfix delivers to it.
     *
     * @param transport Postfix's transport for the domain, null for its virtual_transport
     */
    public record Route(String domain, String backend, String kind, String host, int imapPort, int pop3Port,
            String transport) {}

    private final Database db;

    public MailRouteRepository(Database db) {
        this.db = db;
    }

    /** Replaces every route with these, in one transaction. */
    public void replaceAll(List<Route> routes) {
        db.tx(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM mail_route");
                    PreparedStatement ins = c.prepareStatement(INSERT)) {
                del.executeUpdate();
                for (Route r : routes) {
                    insert(ins, r);
                }
                return routes.size();
            }
        });
    }

    private static final String INSERT = "INSERT INTO mail_route (domain, backend, kind, host, imap_port, pop3_port,"
            + " transport) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private static void insert(PreparedStatement ins, Route r) throws java.sql.SQLException {
        ins.setString(1, r.domain());
        ins.setString(2, r.backend());
        ins.setString(3, r.kind());
        ins.setString(4, r.host());
        ins.setInt(5, r.imapPort());
        ins.setInt(6, r.pop3Port());
        ins.setString(7, r.transport());
        ins.executeUpdate();
    }

    /**
     * Moves a domain to another backend in one transaction: {@code domain.backend} (which wins over hostd.yaml's
     * lists from now on) and the domain's {@code mail_route} row, which the proxy and Postfix read.
     *
     * @throws NotFoundException if the domain does not exist
     */
    public void move(Route route) {
        db.tx(c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE domain SET backend = ? WHERE name = ?");
                    PreparedStatement del = c.prepareStatement("DELETE FROM mail_route WHERE domain = ?");
                    PreparedStatement ins = c.prepareStatement(INSERT)) {
                up.setString(1, route.backend());
                up.setString(2, route.domain());
                if (up.executeUpdate() != 1) {
                    throw new NotFoundException("domain '" + route.domain() + "' not found", null);
                }
                del.setString(1, route.domain());
                del.executeUpdate();
                insert(ins, route);
                return 1;
            }
        });
    }

    /** The backend a domain was moved to ({@code domain.backend}); empty when never moved or unknown. */
    public java.util.Optional<String> movedTo(String domain) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT backend FROM domain WHERE name = ?")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.ofNullable(rs.getString(1))
                            : java.util.Optional.<String>empty();
                }
            }
        });
    }

    /** Every moved domain with its backend. */
    public java.util.Map<String, String> moves() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, backend FROM domain WHERE backend IS NOT"
                    + " NULL ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
                return out;
            }
        });
    }

    /** Every route, by domain. */
    public List<Route> list() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT domain, backend, kind, host, imap_port, pop3_port,"
                    + " transport FROM mail_route ORDER BY domain"); ResultSet rs = ps.executeQuery()) {
                List<Route> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Route(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getInt(6), rs.getString(7)));
                }
                return out;
            }
        });
    }
}
