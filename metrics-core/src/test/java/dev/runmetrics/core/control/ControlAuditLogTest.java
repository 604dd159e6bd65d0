package dev.runmetrics.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.node.LogCapture;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ForwardingRunStore;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlAuditLogTest {

    private static final String WS = "ws-audit";
    private static final String RUN = "018f0000-0000-7000-8000-000000000001";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final ControlAuditLog log = new ControlAuditLog(store, () -> NOW);

    private LogCapture capture;
    private List<LogRecord> records;

    @BeforeEach
    void capture() {
        capture = new LogCapture(ControlAuditLog.class);
        records = capture.records();
    }

    @AfterEach
    void release() {
        capture.close();
    }

    private String onlyLine() {
        assertThat(records).hasSize(1);
        return records.get(0).getMessage();
    }

    @Test
    void anEntryIsStoredAndLoggedOnceWithEveryFieldButTheOverridesValues() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("api_key", "s3cr3t-value");
        overrides.put("limit", 5);
        ControlAudit entry = log.entry(WS, RUN, "process", ControlAction.RESUME, "alice", 2, ControlOutcome.ACCEPTED,
                null, overrides);
        log.append(entry);

        assertThat(store.findControlAudit(WS, RUN)).containsExactly(entry);
        assertThat(entry.at()).isEqualTo(NOW);
        String line = onlyLine();
        assertThat(line).isEqualTo("control action=RESUME outcome=ACCEPTED workspace=\"ws-audit\" run=\"" + RUN
                + "\" step=\"process\" actor=\"alice\" attempt=2 reason=- override_keys=[\"api_key\", \"limit\"]"
                + " audit_id=" + entry.auditId());
        assertThat(line).doesNotContain("s3cr3t-value");
        assertThat(records.get(0).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void freeTextCannotForgeALogLine() {
        log.append(log.entry(WS, RUN, null, ControlAction.PAUSE, "bob", 0, ControlOutcome.ACCEPTED,
                "done\ncontrol action=CANCEL outcome=ACCEPTED actor=\"root\"", null));

        assertThat(onlyLine()).doesNotContain("\n")
                .contains("reason=\"done\\ncontrol action=CANCEL outcome=ACCEPTED actor=\\\"root\\\"\"")
                .contains("step=- ").contains("override_keys=-");
    }

    @Test
    void aRefusedTokenIsAWarning() {
        log.append(log.entry(WS, RUN, null, ControlAction.CANCEL, ControlAudit.INVALID_TOKEN, 0,
                ControlOutcome.UNAUTHENTICATED, "invalid token", null));

        assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(onlyLine()).contains("outcome=UNAUTHENTICATED").contains("actor=\"invalid token\"");
    }

    @Test
    void anEntryLoggedOnlyIsNotStored() {
        log.logOnly(log.entry(WS, RUN, null, ControlAction.CANCEL, "bob", 0, ControlOutcome.NOT_FOUND,
                "execution not found", null));

        assertThat(store.findControlAudit(WS, RUN)).isEmpty();
        assertThat(onlyLine()).contains("outcome=NOT_FOUND").endsWith("(not audited: no such run in the workspace)");
    }

    @Test
    void anEntryIsAppendedOnlyIfItsRunIsInItsWorkspace() {
        dev.runmetrics.core.model.Run run = dev.runmetrics.core.model.RunFixtures.queued(WS,
                dev.runmetrics.core.model.RunFixtures.newRunId(), "wf", NOW);
        store.saveRun(WS, run);
        log.appendIfRunInWorkspace(log.entry(WS, run.runId(), null, ControlAction.CANCEL, "bob", 0,
                ControlOutcome.REFUSED, "not running", null));
        log.appendIfRunInWorkspace(log.entry("ws-other", run.runId(), null, ControlAction.CANCEL, "eve", 0,
                ControlOutcome.NOT_FOUND, "execution not found", null));

        assertThat(store.findControlAudit(WS, run.runId())).singleElement()
                .satisfies(a -> assertThat(a.actor()).isEqualTo("bob"));
        assertThat(store.findControlAudit("ws-other", run.runId())).isEmpty();
        assertThat(records).hasSize(2);
        assertThat(records.get(1).getMessage()).endsWith("(not audited: no such run in the workspace)");
    }

    @Test
    void aStoreThatFailsDoesNotFailTheCaller() {
        ControlAuditLog failing = new ControlAuditLog(new ForwardingRunStore(store) {
            @Override
            public void appendControlAudit(String workspaceId, ControlAudit entry) {
                throw new IllegalStateException("disk full");
            }
        }, () -> NOW);
        failing.append(failing.entry(WS, RUN, null, ControlAction.PAUSE, "bob", 0, ControlOutcome.ACCEPTED, null,
                null));

        assertThat(records).hasSize(2);
        assertThat(records.get(1).getLevel()).isEqualTo(Level.WARNING);
        assertThat(records.get(1).getMessage()).contains("was not stored");
    }

    @Test
    void overridesThatAreNotJsonLikeAreLeftOut() {
        ControlAudit entry = log.entry(WS, RUN, "process", ControlAction.RESUME, "alice", 1, ControlOutcome.INVALID,
                "bad overrides", Map.of("when", new Object()));
        assertThat(entry.inputOverrides()).isNull();
    }
}
