package dev.affixo.infra.process;

/** A JVM that takes a minute to stop on SIGTERM (its shutdown hook sleeps), for {@link ServiceProcessTest}. */
public final class StubbornProcess {

    private StubbornProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("hook installed");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
