package org.hostctl.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CA certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks) as the only ones trusted for
 * HTTPS, like curl's {@code --cacert}: for an API behind a provider's private CA.
 *
 * @param context a TLS context trusting exactly those certificates
 * @param trustManager its trust manager
 */
public record CaFile(SSLContext context, X509TrustManager trustManager) {
    /** A CA file that cannot be read or holds no usable certificate; the message names the file. */
    public static final class UnusableException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnusableException(String message) {
            super(message);
        }
    }

    /**
     * Loads {@code file}; fails with {@link UnusableException}, one line naming it, when it cannot be read or holds
     * no certificate.
     */
    public static CaFile load(Path file) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new UnusableException("no CA file " + file);
        } catch (IOException e) {
            throw new UnusableException("cannot read the CA file " + file + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UnusableException("the CA file " + file + " holds no readable PEM certificate: "
                    + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new UnusableException("the CA file " + file + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager trust = null;
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    trust = x;
                }
            }
            if (trust == null) {
                throw new IllegalStateException("no X.509 trust manager in this JDK");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return new CaFile(context, trust);
        } catch (GeneralSecurityException | IOException e) {
            throw new UnusableException("cannot use the CA file " + file + ": " + e.getMessage());
        }
    }
}
