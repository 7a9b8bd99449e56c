package dev.gale.api.security;

import java.util.Locale;

/** What an API token may do. Each role includes the ones before it. */
public enum Role {
    /** Read DAGs, runs, task instances and results. */
    VIEWER,
    /** Also trigger, cancel and clear runs. */
    OPERATOR,
    /** Also manage API tokens and pause DAGs. */
    ADMIN;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; roles are viewer, operator and admin");
    }
}
