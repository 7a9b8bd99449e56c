package dev.gale.api.security;

/** Who sent a request: the name of the API token it carried, and that token's role. */
public record ApiPrincipal(String tokenName, Role role) {
}
