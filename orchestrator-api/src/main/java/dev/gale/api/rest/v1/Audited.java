package dev.gale.api.rest.v1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An admin action: once it succeeded, {@link AuditInterceptor} writes it to the audit log under this name. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface Audited {
    /** What was done, e.g. {@code token.create}. */
    String value();
}
