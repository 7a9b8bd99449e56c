package dev.gale.assets;

/**
 * A request to point {@code alias} at {@code toVersion}. With {@code expectedFromVersion} set (0 meaning
 * "the alias must not exist yet"), the move happens only if the alias still points there, so that a
 * validation gate that compared against the current champion cannot overwrite a champion promoted
 * meanwhile; null moves it whatever it points at.
 */
public record AliasMoveRequest(String assetName, String alias, int toVersion, Integer expectedFromVersion,
                               String movedBy, String reason) {
}
