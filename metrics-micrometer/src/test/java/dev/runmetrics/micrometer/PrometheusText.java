package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape in the Prometheus text format, parsed for assertions: each sample by its name and
 * labels (in any order), and each family's {@code # TYPE}.
 */
final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample: its metric name, its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    final String text;
    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new LinkedHashMap<>();

    PrometheusText(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("sample line %s", line).isTrue();
                Map<String, String> labels = new TreeMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
        }
    }

    /** Returns the samples of {@code name} whose labels include {@code labels} (pairs of key, value). */
    List<Sample> find(String name, String... labels) {
        Map<String, String> wanted = pairs(labels);
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet())).toList();
    }

    /** Returns the value of the one sample of {@code name} with exactly these labels. */
    double value(String name, String... labels) {
        Map<String, String> wanted = pairs(labels);
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).toList();
        assertThat(found).as("samples of %s%s", name, wanted).hasSize(1);
        return found.get(0).value();
    }

    private static Map<String, String> pairs(String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return map;
    }
}
