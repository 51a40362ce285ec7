package dev.forewarn.service.http;

/**
 * One broken rule in a request body.
 *
 * @param pointer JSON pointer to the field ({@code /severity}, or {@code /3/severity} inside a batch)
 * @param rule    a stable rule name clients can switch on ({@code required}, {@code range}, ...)
 * @param detail  a sentence for humans
 */
public record Violation(String pointer, String rule, String detail) {

    /** The same violation under the batch item at {@code index}. */
    public Violation inItem(int index) {
        return new Violation("/" + index + pointer, rule, detail);
    }
}
