package dev.gale.api;

import dev.gale.api.config.GaleServerConfiguration;
import dev.gale.api.config.KafkaConfiguration;
import dev.gale.api.config.MetricsConfiguration;
import dev.gale.api.config.TracingConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/** The Spring Boot application of the API server: web, actuator, and Gale's composition root. */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = "dev.gale.api.rest")
@Import({GaleServerConfiguration.class, KafkaConfiguration.class, MetricsConfiguration.class,
        TracingConfiguration.class})
public class GaleServerApplication {
}
