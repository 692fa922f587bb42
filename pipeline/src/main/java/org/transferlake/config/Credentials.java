package org.transferlake.config;

/** A static S3 access key pair. Its {@link #toString()} never shows the secret. */
public record Credentials(String accessKey, String secretKey) {
    /** Shows at most the first four characters of the access key, never the secret. */
    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        return secret.length() <= 8 ? "****" : secret.substring(0, 4) + "****";
    }

    @Override
    public String toString() {
        return "Credentials[accessKey=" + mask(accessKey) + ", secretKey=****]";
    }
}
