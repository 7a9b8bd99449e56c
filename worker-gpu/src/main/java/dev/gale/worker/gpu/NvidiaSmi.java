package dev.gale.worker.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Discovers NVIDIA GPUs by running {@code nvidia-smi} and parsing its CSV output. */
public final class NvidiaSmi {
    /** The query whose output {@link #parse(String)} reads. */
    public static final List<String> COMMAND = List.of("nvidia-smi", "--query-gpu=index,name,memory.total",
            "--format=csv,noheader,nounits");

    private NvidiaSmi() {
    }

    /** The GPUs on this host; empty when nvidia-smi is absent or finds none. */
    public static GpuInventory discover() {
        try {
            Process process = new ProcessBuilder(COMMAND).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return new GpuInventory(List.of(), false);
            }
            return new GpuInventory(parse(output), false);
        } catch (IOException e) {
            return new GpuInventory(List.of(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GpuInventory(List.of(), false);
        }
    }

    /** Parses lines such as {@code 0, NVIDIA H200, 143771}. */
    public static List<Gpu> parse(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",");
            // A model name may hold a comma; index and memory are the first and last fields.
            if (fields.length < 3 || !fields[0].trim().matches("\\d+")
                    || !fields[fields.length - 1].trim().matches("\\d+")) {
                throw new IllegalArgumentException("unexpected nvidia-smi line: '" + line + "' (expected index, name,"
                        + " memory in MiB; a GPU in MIG mode reports no memory: declare its inventory instead)");
            }
            String name = String.join(",", java.util.Arrays.copyOfRange(fields, 1, fields.length - 1)).trim();
            gpus.add(new Gpu(Integer.parseInt(fields[0].trim()), name,
                    Long.parseLong(fields[fields.length - 1].trim())));
        }
        return gpus;
    }
}
