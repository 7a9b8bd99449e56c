package dev.gale.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gale} client of a Gale server's REST API ({@code ./gale dags|runs|tasks|rag}). It lives in its
 * own small jar, without the server's classes, so that a command answers in a fraction of a second.
 */
@Command(name = "gale", mixinStandardHelpOptions = true, version = "Gale 0.1.0",
        description = "The client of a Gale server's REST API (GALE_URL, GALE_TOKEN).")
public final class GaleCli implements Runnable {

    private static final Map<String, Class<?>> COMMANDS = commands();

    public static void main(String[] args) {
        System.exit(commandLine(args.length == 0 ? "" : args[0]).execute(args));
    }

    /**
     * The client's commands, printing an error a person can act on as one line (exit status 2). Only the
     * command named {@code first} is built when there is one: picocli reads each command's annotations when
     * it is added, which would otherwise be most of a short command's time.
     */
    public static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new GaleCli());
        COMMANDS.forEach((name, command) -> {
            if (!COMMANDS.containsKey(first) || name.equals(first)) {
                cli.addSubcommand(name, command);
            }
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException) {
                commandLine.getErr().println("gale: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("dags", DagsCommand.class);
        commands.put("runs", RunsCommand.class);
        commands.put("tasks", TasksCommand.class);
        commands.put("rag", RagCommand.class);
        return commands;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
