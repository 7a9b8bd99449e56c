package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The role a handler needs; handlers without it need {@link Role#VIEWER}. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface RequiresRole {
    Role value();
}
