package dev.gale.cli;

import picocli.CommandLine.Option;

/** Where the API is and who is asking: flags, or GALE_URL and GALE_TOKEN. */
final class ClientOptions {
    @Option(names = "--url", description = "The API server (env GALE_URL, default http://localhost:8080).")
    String url = env("GALE_URL", "http://localhost:8080");

    @Option(names = "--token", description = "An API token (env GALE_TOKEN).")
    String token = env("GALE_TOKEN", null);

    @Option(names = "--json", description = "Print the API's JSON instead of a table, for scripts.")
    boolean json;

    GaleClient client() {
        return new GaleClient(url, token);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
