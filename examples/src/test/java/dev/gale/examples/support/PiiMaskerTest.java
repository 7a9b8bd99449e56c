package dev.gale.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PiiMaskerTest {

    @Test
    void eMailAddressesPhoneNumbersAndCardNumbersAreReplaced() {
        assertThat(PiiMasker.mask("Confirmation sent to ada.lovelace@example.com."))
                .isEqualTo("Confirmation sent to [email].");
        assertThat(PiiMasker.mask("call me on +1 415 555 0042 please")).isEqualTo("call me on [phone] please");
        assertThat(PiiMasker.mask("paid with card 4111 1111 1111 0042.")).isEqualTo("paid with card [card].");
        assertThat(PiiMasker.mask("card 4111-1111-1111-1111 or 4111111111111111"))
                .isEqualTo("card [card] or [card]");
    }

    @Test
    void bookingIdsDatesAndAmountsStay() {
        String text = "Refund of 120 EUR for BK-1294 on December 4, card ending 0042.";
        assertThat(PiiMasker.mask(text)).isEqualTo(text);
    }
}
