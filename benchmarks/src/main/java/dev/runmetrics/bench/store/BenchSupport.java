package dev.runmetrics.bench.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The plumbing the benchmark programs share: argument parsing, PostgreSQL data sources, one-value
 * queries, and what they print about the machine. Stateless and thread-safe.
 */
public final class BenchSupport {
    private BenchSupport() {
    }

    /** Parses {@code --key value}, {@code --key=value} and bare {@code --flag} (value "true"). */
    public static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            String value = "true";
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                value = argv[++i];
            }
            args.put(key, value);
        }
        return args;
    }

    /** A PostgreSQL data source for {@code url}, optionally another database and user. */
    public static DataSource dataSource(String url, String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (database != null) {
            ds.setDatabaseName(database);
        }
        if (user != null) {
            ds.setUser(user);
            ds.setPassword(password);
        }
        return ds;
    }

    /** The first column of the first row of {@code sql}, as text. */
    public static String scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The CPU model from /proc/cpuinfo, or "?". */
    public static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** The load average from /proc/loadavg, for the record of how busy the machine was. */
    public static String loadAverage() {
        try {
            return "load average " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "load average ?";
        }
    }

    /**
     * Starts an embedded PostgreSQL on {@code dataDir} (initialised if empty, kept as it is
     * otherwise) with the benchmarks' server settings: {@code shared_buffers} 1 GB, {@code work_mem}
     * 64 MB, {@code max_wal_size} 8 GB, {@code jit} off and {@code synchronous_commit} on (zonky's
     * default is off; on is what a production server runs). Never zonky's own cleaning: with it,
     * {@code close()} deletes the directory, even when the benchmark was asked to keep it.
     */
    public static EmbeddedPostgres startPostgres(Path dataDir) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setServerConfig("shared_buffers", "1GB")
                .setServerConfig("work_mem", "64MB")
                .setServerConfig("maintenance_work_mem", "1GB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("jit", "off")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** Deletes a directory tree, if it exists. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
