package dev.gale.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The benchmark's figures, with the machine they were measured on: printed as a table, written as JSON. */
record BenchReport(Map<String, String> machine, BenchSettings settings, List<Metric> metrics) {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-10s %-24s %10s %10s %10s  %-7s %-36s %s%n", "scenario", "figure", "median", "min",
                "max", "unit", "vs PostgreSQL (median)", "target"));
        for (Metric m : metrics) {
            String ratio = m.ratio() == null ? "" : Metric.format(m.ratio()) + " " + m.ratioMeaning();
            String target = m.target() == null ? "" : m.target() + (m.targetMet() ? "  met" : "  MISSED");
            out.append(String.format("%-10s %-24s %10s %10s %10s  %-7s %-36s %s%n", m.scenario(), m.name(),
                    Metric.format(m.median()), Metric.format(m.min()), Metric.format(m.max()), m.unit(), ratio, target));
        }
        return out.toString();
    }

    void writeJson(Path file) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("machine", machine);
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("runs", settings.runs());
        sizes.put("warmups", settings.warmups());
        sizes.put("fanSize", settings.fanSize());
        sizes.put("syncTriggers", settings.syncTriggers());
        sizes.put("adhocRuns", settings.adhocRuns());
        sizes.put("baselineSeconds", settings.baselineSeconds());
        sizes.put("workerSlots", settings.workerSlots());
        document.put("settings", sizes);
        document.put("metrics", metrics);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, JSON.writeValueAsString(document));
    }
}
