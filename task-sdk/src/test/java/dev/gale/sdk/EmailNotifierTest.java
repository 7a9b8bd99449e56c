package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.Notifier.RunEvent;
import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.NotifierSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailNotifierTest {
    private static Dag withNotifier(Notifier notifier) {
        DagBuilder d = Dag.builder("nightly").notify(notifier);
        d.task("load", ctx -> null);
        return d.build();
    }

    @Test
    void anEmailNotifierSendsThroughSmtpDefaultUnlessToldAnotherConnection() {
        NotifierSpec plain = withNotifier(Notifier.email("oncall@example.com", "data@example.com")).spec().notifiers().getFirst();
        assertThat(plain).isEqualTo(new NotifierSpec("email", null, List.of("failed", "deadline_missed"), null,
                List.of("oncall@example.com", "data@example.com"), "smtp_default"));

        NotifierSpec other = withNotifier(Notifier.email("ops@example.com").connection("smtp_ops").on(RunEvent.SUCCESS))
                .spec().notifiers().getFirst();
        assertThat(other.connId()).isEqualTo("smtp_ops");
        assertThat(other.events()).containsExactly("success");
    }

    @Test
    void aWebhookKeepsTheJsonItHadBeforeEmailExisted() {
        assertThat(DagSpecJson.toJson(withNotifier(Notifier.webhook("https://ops.example.com/hook")).spec()))
                .contains("\"notifiers\":[{\"kind\":\"webhook\",\"url\":\"https://ops.example.com/hook\","
                        + "\"events\":[\"failed\",\"deadline_missed\"],\"secretEnv\":null}]");
    }

    @Test
    void badAddressesAndOptionsFailTheDagAtLoadNamingIt() {
        assertThatThrownBy(() -> withNotifier(Notifier.email()))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("nightly")
                .hasMessageContaining("at least one address");
        assertThatThrownBy(() -> withNotifier(Notifier.email("oncall@example.com", "not-an-address")))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("nightly")
                .hasMessageContaining("'not-an-address' is not an email address");
        assertThatThrownBy(() -> withNotifier(Notifier.email("a@example.com").connection("smtp default")))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("'smtp default' is not a connection id");
        assertThatThrownBy(() -> withNotifier(Notifier.email("a@example.com").signedWithSecretFrom("X")))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("an email notifier is not signed");
        assertThatThrownBy(() -> Notifier.webhook("https://x.example.com").connection("smtp_default"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("for email notifiers");
    }
}
