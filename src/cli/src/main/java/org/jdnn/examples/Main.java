package org.jdnn.examples;

import org.jdnn.Jdnn;
import org.jdnn.backend.BackendUnavailableException;
import org.jdnn.train.TrainingDivergedException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;

/** The command line: {@code train}, {@code eval}, {@code info}, {@code demo}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns the process exit code (0 ok, 1 failed, 2 bad usage). */
    static int run(String[] args) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            System.out.print(TrainOptions.HELP);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (command) {
                case "train" -> {
                    if (rest.contains("--help")) {
                        System.out.print(TrainOptions.HELP);
                        return 0;
                    }
                    if (rest.contains("--distributed")) {   // under mpirun: see DistributedTrainCommand
                        new DistributedTrainCommand(System.out).train(TrainOptions.parse(
                                rest.stream().filter(a -> !a.equals("--distributed")).toList()));
                    } else {
                        new TrainCommand(System.out).train(TrainOptions.parse(rest));
                    }
                }
                case "eval" -> new TrainCommand(System.out).evaluate(TrainOptions.parse(rest));
                case "info" -> System.out.println(Jdnn.info());
                case "demo" -> Demo.main(new String[0]);
                default -> {
                    System.err.println("jdnn: unknown command '" + command + "' (train, eval, info, demo)");
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(command + ": " + e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println(command + ": " + e.getFile() + (e.getReason() == null ? " not found" : ": " + e.getReason()));
            return 1;
        } catch (IOException | TrainingDivergedException | IllegalStateException | BackendUnavailableException e) {
            System.err.println(command + ": " + e.getMessage());
            return 1;
        }
    }
}
