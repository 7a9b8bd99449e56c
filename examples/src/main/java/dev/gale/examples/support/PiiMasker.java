package dev.gale.examples.support;

import java.util.regex.Pattern;

/**
 * Replaces e-mail addresses, card numbers and phone numbers in free text by placeholders, before the
 * text is embedded or indexed, so the raw values never reach the index or a model.
 */
public final class PiiMasker {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    // 13 to 19 digits in groups, as card numbers are written; checked before phone numbers, which are shorter.
    private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w-])\\+?\\d[\\d ()./-]{7,}\\d\\b");

    private PiiMasker() {
    }

    public static String mask(String text) {
        String masked = EMAIL.matcher(text).replaceAll("[email]");
        masked = CARD.matcher(masked).replaceAll("[card]");
        return PHONE.matcher(masked).replaceAll("[phone]");
    }
}
