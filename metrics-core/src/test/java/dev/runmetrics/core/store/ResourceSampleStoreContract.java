package dev.runmetrics.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.RunFixtures;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ResourceSampleStore} must have, written once and run against each:
 * extend it and return the store under test. Each test uses fresh workspace ids, so a store may be
 * shared between tests (one database).
 */
public abstract class ResourceSampleStoreContract {
    /** A whole minute, recent enough for any store's retention (each store's own tests move time). */
    protected static final Instant MINUTE = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            .minus(Duration.ofHours(2));

    protected String ws;
    protected String otherWs;

    /** @return the store under test; may be the same instance for every test */
    protected abstract ResourceSampleStore store();

    @BeforeEach
    void freshWorkspaces() {
        ws = RunFixtures.newWorkspace();
        otherWs = RunFixtures.newWorkspace();
    }

    /** A sample whose figures all derive from {@code n}, so each one is told apart. */
    protected static ResourceSample sample(String ws, String instance, Instant minute, int n) {
        return new ResourceSample(ws, instance, minute, 10.0 + n, 20.0 + n, n, 8, 2 * n, n + 1, 10, 5.5 * n,
                n == 0 ? null : 1.25 * n);
    }

    @Test
    void keptSamplesReadBackWithEveryFigure() {
        ResourceSample s = sample(ws, "i-1", MINUTE, 3);
        store().save(s);
        assertThat(store().samples(ws, MINUTE, MINUTE.plusSeconds(60))).containsExactly(s);
    }

    @Test
    void unknownFiguresStayNull() {
        ResourceSample s = new ResourceSample(ws, "i-1", MINUTE, null, null, null, null, null, null, null, null, null);
        store().save(s);
        assertThat(store().samples(ws, MINUTE, MINUTE.plusSeconds(60))).containsExactly(s);
    }

    @Test
    void aSecondSampleOfTheSameMinuteAndInstanceReplacesTheFirst() {
        store().save(sample(ws, "i-1", MINUTE, 1));
        store().save(sample(ws, "i-1", MINUTE, 2));
        assertThat(store().samples(ws, MINUTE, MINUTE.plusSeconds(60))).containsExactly(sample(ws, "i-1", MINUTE, 2));
    }

    @Test
    void samplesAreOrderedByMinuteThenInstanceAndCutToTheHalfOpenRange() {
        Instant m1 = MINUTE.plusSeconds(60);
        Instant m2 = MINUTE.plusSeconds(120);
        store().save(sample(ws, "i-2", m1, 4));
        store().save(sample(ws, "i-1", m1, 3));
        store().save(sample(ws, "i-1", MINUTE, 1));
        store().save(sample(ws, "i-1", m2, 5));
        assertThat(store().samples(ws, MINUTE, m2)).containsExactly(sample(ws, "i-1", MINUTE, 1),
                sample(ws, "i-1", m1, 3), sample(ws, "i-2", m1, 4));
    }

    @Test
    void anotherWorkspacesSamplesAreInvisible() {
        store().save(sample(otherWs, "i-1", MINUTE, 7));
        assertThat(store().samples(ws, MINUTE.minusSeconds(3600), MINUTE.plusSeconds(3600))).isEmpty();
        assertThat(store().samples(otherWs, MINUTE, MINUTE.plusSeconds(60))).hasSize(1);
    }

    @Test
    void aRangeThatEndsBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> store().samples(ws, MINUTE, MINUTE.minusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
    }
}
