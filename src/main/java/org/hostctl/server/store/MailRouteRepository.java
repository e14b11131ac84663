package org.hostctl.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The {@code mail_route} table an IMAP/POP3 proxy reads: the backend of each domain. */
public final class MailRouteRepository {

    /** One domain's backend as the proxy reaches it. */
    public record Route(String domain, String backend, String kind, String host, int imapPort, int pop3Port) {}

    private final Database db;

    public MailRouteRepository(Database db) {
        this.db = db;
    }

    /** Replaces every route with these, in one transaction. */
    public void replaceAll(List<Route> routes) {
        db.tx(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM mail_route");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO mail_route (domain, backend, kind, host,"
                            + " imap_port, pop3_port) VALUES (?, ?, ?, ?, ?, ?)")) {
                del.executeUpdate();
                for (Route r : routes) {
                    ins.setString(1, r.domain());
                    ins.setString(2, r.backend());
                    ins.setString(3, r.kind());
                    ins.setString(4, r.host());
                    ins.setInt(5, r.imapPort());
                    ins.setInt(6, r.pop3Port());
                    ins.executeUpdate();
                }
                return routes.size();
            }
        });
    }

    /** Every route, by domain. */
    public List<Route> list() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT domain, backend, kind, host, imap_port, pop3_port"
                    + " FROM mail_route ORDER BY domain"); ResultSet rs = ps.executeQuery()) {
                List<Route> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Route(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getInt(6)));
                }
                return out;
            }
        });
    }
}
