package dev.affixo.processor.deadletter;

/**
 * What a step hands on: the value for the next step, or a dead letter. The topology splits the two right
 * after each step, so one bad record never stops the stream.
 */
public sealed interface StepResult<T> {

    static <T> StepResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> StepResult<T> failed(DeadLetter letter) {
        return new Failed<>(letter);
    }

    record Ok<T>(T value) implements StepResult<T> {
    }

    record Failed<T>(DeadLetter letter) implements StepResult<T> {
    }
}
