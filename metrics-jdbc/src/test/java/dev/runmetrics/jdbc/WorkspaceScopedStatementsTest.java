package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreContract;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every statement the store sends to PostgreSQL names the workspace of each table it touches: the
 * shared {@link RunStoreContract} runs against a store whose DataSource records the SQL text of
 * every statement prepared or executed on its connections, and after each case every recorded
 * statement is checked. Row-level security would hide another workspace's rows anyway; this is the
 * rule a workspace-distributed schema (Citus) needs on top, so that each statement is routed to one
 * shard instead of fanning out to all of them.
 *
 * <p>The rule: a statement that references {@code n} tables of the {@code runmetrics} schema
 * mentions {@code workspace_id} at least {@code n} times, besides the transaction's
 * {@code set_config('runmetrics.workspace_id', …)}.
 */
class WorkspaceScopedStatementsTest extends RunStoreContract {

    private static final Pattern TABLE = Pattern.compile(
            "(?i)\\b(?:from|join|into|update|table)\\s+runmetrics\\.(\\w+)");
    private static final Pattern SET_WORKSPACE = Pattern.compile(
            "(?i)set_config\\(\\s*'runmetrics\\.workspace_id'");
    private static final Pattern WORKSPACE_ID = Pattern.compile("(?i)\\bworkspace_id\\b");

    static final Queue<String> statements = new ConcurrentLinkedQueue<>();
    static JdbcRunStore store;

    @BeforeAll
    static void start() {
        store = JdbcRunStore.builder(recording(TestDatabase.shared().app())).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Override
    protected RunStore store() {
        return store;
    }

    @Override
    protected void awaitWrites() {
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
    }

    @AfterEach
    void everyStatementNamesTheWorkspaceOfEachTable() {
        awaitWrites();
        List<String> seen = new ArrayList<>(statements);
        statements.clear();
        assertThat(seen).as("statements recorded during the case")
                .anySatisfy(sql -> assertThat(TABLE.matcher(sql).find()).isTrue());
        assertThat(unscoped(seen)).as("statements that do not name the workspace of each table they touch")
                .isEmpty();
    }

    /** The statements of {@code seen} that break the rule (see the class comment). */
    static List<String> unscoped(List<String> seen) {
        List<String> out = new ArrayList<>();
        for (String sql : seen) {
            int tables = count(TABLE.matcher(sql));
            String withoutSetting = SET_WORKSPACE.matcher(sql).replaceAll("set_config(");
            if (tables > 0 && count(WORKSPACE_ID.matcher(withoutSetting)) < tables) {
                out.add(sql);
            }
        }
        return out;
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A DataSource whose connections record the SQL of every statement before running it. */
    static DataSource recording(DataSource target) {
        return proxy(DataSource.class, target, (method, args, result) ->
                method.getName().equals("getConnection") ? recordingConnection((Connection) result) : result);
    }

    private static Connection recordingConnection(Connection target) {
        return proxy(Connection.class, target, (method, args, result) -> {
            String name = method.getName();
            if ((name.equals("prepareStatement") || name.equals("prepareCall") || name.equals("nativeSQL"))
                    && args != null && args[0] instanceof String sql) {
                statements.add(sql);
            }
            if (result instanceof CallableStatement cs) {
                return recordingStatement(CallableStatement.class, cs);
            }
            if (result instanceof PreparedStatement ps) {
                return recordingStatement(PreparedStatement.class, ps);
            }
            if (result instanceof Statement st) {
                return recordingStatement(Statement.class, st);
            }
            return result;
        });
    }

    private static <S extends Statement> S recordingStatement(Class<S> type, S target) {
        return proxy(type, target, (method, args, result) -> result, (method, args) -> {
            if (method.getName().startsWith("execute") || method.getName().equals("addBatch")) {
                if (args != null && args.length > 0 && args[0] instanceof String sql) {
                    statements.add(sql);
                }
            }
        });
    }

    private interface AfterCall {
        Object apply(java.lang.reflect.Method method, Object[] args, Object result) throws Exception;
    }

    private interface BeforeCall {
        void accept(java.lang.reflect.Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T target, AfterCall after) {
        return proxy(type, target, after, (m, a) -> { });
    }

    private static <T> T proxy(Class<T> type, T target, AfterCall after, BeforeCall before) {
        InvocationHandler handler = (self, method, args) -> {
            if (method.getName().equals("unwrap") && args != null && args[0] == type) {
                return self;
            }
            before.accept(method, args);
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(method, args, result);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
