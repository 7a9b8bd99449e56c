package dev.gale.api.demo;

import dev.gale.cli.CliException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gale demo support-events}: data for the example DAGs that need a source other than Gale. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Produce demo data for the example DAGs.",
        subcommands = DemoCommand.SupportEventsCommand.class)
public final class DemoCommand {

    @Command(name = "support-events", mixinStandardHelpOptions = true, description = "Produce synthetic customer"
            + " events (bookings made and changed, chats, e-mails, social posts, refunds) to Kafka at a steady rate,"
            + " for the support_stream DAG.")
    static final class SupportEventsCommand implements Callable<Integer> {
        @Option(names = "--bootstrap", description = "Kafka (env GALE_KAFKA_BOOTSTRAP, default localhost:9092).")
        String bootstrap = env("GALE_KAFKA_BOOTSTRAP", "localhost:9092");

        @Option(names = "--topic", description = "The topic (default ${DEFAULT-VALUE}).")
        String topic = "support-events";

        @Option(names = "--rate", description = "Events per second, e.g. 100/s (default ${DEFAULT-VALUE}).")
        String rate = "100/s";

        @Option(names = "--count", description = "Events in all (default ${DEFAULT-VALUE}).")
        int count = 5000;

        @Option(names = "--customers", description = "Distinct customers (default ${DEFAULT-VALUE}).")
        int customers = 300;

        @Option(names = "--partitions", description = "Partitions of the topic when it is created (default"
                + " ${DEFAULT-VALUE}).")
        int partitions = 3;

        @Option(names = "--seed", description = "Seed of the generator; the same seed gives the same events.")
        long seed = System.currentTimeMillis();

        @Override
        public Integer call() throws InterruptedException {
            double perSecond = parseRate(rate);
            if (count < 1) {
                throw new CliException("--count must be at least 1, got " + count);
            }
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            try (EventProducer producer = new EventProducer(bootstrap, Map.of(), topic, partitions)) {
                producer.produce(new SupportEvents(seed, customers, Long.toString(seed, 36)), count, perSecond,
                        (event, at) -> {
                            if (sent.incrementAndGet() % 1000 == 0) {
                                System.err.printf("%d events produced%n", sent.get());
                            }
                        });
            } catch (IllegalStateException e) {
                throw new CliException(e.getMessage());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("produced %d events of %d customers to %s at %s in %.1f s (%.1f events/s)%n", count,
                    customers, topic, bootstrap, seconds, count / seconds);
            return 0;
        }

        private static double parseRate(String rate) {
            String number = rate.endsWith("/s") ? rate.substring(0, rate.length() - 2) : rate;
            try {
                double perSecond = Double.parseDouble(number);
                if (perSecond > 0 && perSecond <= 100_000) {
                    return perSecond;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CliException("--rate takes events per second such as 100/s (at most 100000/s), got '" + rate + "'");
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
