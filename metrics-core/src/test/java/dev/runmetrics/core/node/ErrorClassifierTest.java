package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    private final ErrorClassifier classifier = ErrorClassifier.defaults();

    /** Stands in for jakarta.validation.ValidationException, recognised by its name. */
    static final class ValidationException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void timeoutsAreTimeoutEvenWhenTheyAreIoExceptions() {
        assertThat(classifier.classify(new TimeoutException())).isEqualTo(ErrorCategory.TIMEOUT);
        assertThat(classifier.classify(new NodeTimeoutException("n", Duration.ofSeconds(1))))
                .isEqualTo(ErrorCategory.TIMEOUT);
        assertThat(classifier.classify(new SocketTimeoutException())).isEqualTo(ErrorCategory.TIMEOUT);
        assertThat(classifier.classify(new HttpTimeoutException("slow"))).isEqualTo(ErrorCategory.TIMEOUT);
    }

    @Test
    void illegalArgumentsAndValidationExceptionsAreValidation() {
        assertThat(classifier.classify(new IllegalArgumentException())).isEqualTo(ErrorCategory.VALIDATION);
        assertThat(classifier.classify(new NumberFormatException())).isEqualTo(ErrorCategory.VALIDATION);
        assertThat(classifier.classify(new ValidationException())).isEqualTo(ErrorCategory.VALIDATION);
    }

    @Test
    void ioFailuresAreNetwork() {
        assertThat(classifier.classify(new ConnectException())).isEqualTo(ErrorCategory.NETWORK);
        assertThat(classifier.classify(new UnknownHostException())).isEqualTo(ErrorCategory.NETWORK);
        assertThat(classifier.classify(new UncheckedIOException(new IOException()))).isEqualTo(ErrorCategory.NETWORK);
    }

    @Test
    void theCauseChainIsWalked() {
        Exception wrapped = new ExecutionException(new RuntimeException(new SocketTimeoutException()));
        assertThat(classifier.classify(wrapped)).isEqualTo(ErrorCategory.TIMEOUT);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(classifier.classify(new IllegalStateException())).isEqualTo(ErrorCategory.OTHER);
        assertThat(classifier.classify(new NullPointerException())).isEqualTo(ErrorCategory.OTHER);
    }

    @Test
    void aCyclicCauseChainEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(classifier.classify(a)).isEqualTo(ErrorCategory.OTHER);
    }
}
