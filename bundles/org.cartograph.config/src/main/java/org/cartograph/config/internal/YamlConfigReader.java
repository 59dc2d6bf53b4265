package org.cartograph.config.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.cartograph.config.internal.RawValue.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a {@code system-probe.yaml}-compatible file into raw values, with the file and 1-based
 * line of each. Uses SnakeYAML's node tree ({@code compose}), so nothing is instantiated from the
 * file. Sections other than {@link KeyCatalog#SECTIONS} are ignored (one INFO line); unknown keys
 * inside them are warned about; duplicate keys and malformed YAML are problems. Not thread-safe:
 * one instance per load.
 */
final class YamlConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(YamlConfigReader.class);

    /**
     * What a file held.
     *
     * @param values   the values of known keys, in file order
     * @param problems the errors, in file order
     */
    record Result(List<RawValue> values, List<Problem> problems) {
    }

    private final KeyCatalog catalog;
    private final WarningSink warnings;
    private final List<RawValue> values = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> ignoredSections = new LinkedHashSet<>();
    private String file = "";

    /**
     * @param catalog  the known keys
     * @param warnings receives unknown-key warnings
     */
    YamlConfigReader(KeyCatalog catalog, WarningSink warnings) {
        this.catalog = catalog;
        this.warnings = warnings;
    }

    /**
     * @param path the file, absolute
     * @return the values and problems found; the file's own errors (missing, unreadable, not
     *         YAML) are problems too
     */
    Result read(Path path) {
        file = path.toString();
        readText(path).flatMap(this::compose).ifPresent(root -> {
            if (root instanceof MappingNode map) {
                walk(map, "");
            } else if (!isNull(root)) {
                problems.add(new Problem(file, line(root), null, "expected a mapping of sections at the top level, got "
                        + shape(root).description()));
            }
        });
        if (!ignoredSections.isEmpty()) {
            LOG.info("{}: ignoring sections not used by Cartograph: {}", file, String.join(", ", ignoredSections));
        }
        return new Result(List.copyOf(values), List.copyOf(problems));
    }

    private Optional<String> readText(Path path) {
        try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            problems.add(new Problem(file, 0, null, "configuration file not found"));
        } catch (CharacterCodingException e) {
            problems.add(new Problem(file, 0, null, "not a UTF-8 text file"));
        } catch (IOException e) {
            problems.add(new Problem(file, 0, null, "cannot read the configuration file: " + e));
        }
        return Optional.empty();
    }

    private Optional<Node> compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(false);
        try {
            return Optional.ofNullable(new Yaml(options).compose(new StringReader(text)));
        } catch (MarkedYAMLException e) {
            problems.add(new Problem(file, line(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark()),
                    null, "invalid YAML: " + describe(e)));
        } catch (ReaderException e) {
            problems.add(new Problem(file, lineAt(text, e.getPosition()), null,
                    "invalid YAML: a special character that is not allowed (code point " + e.getCodePoint() + ")"));
        } catch (YAMLException e) {
            problems.add(new Problem(file, 0, null, "invalid YAML: " + e.getMessage()));
        }
        return Optional.empty();
    }

    private void walk(MappingNode map, String prefix) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.add(new Problem(file, line(tuple.getKeyNode()), prefix.isEmpty() ? null : prefix,
                        "keys must be plain strings"));
                continue;
            }
            String name = keyNode.getValue();
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            Node value = tuple.getValueNode();
            if (!seen.add(name)) {
                problems.add(new Problem(file, line(keyNode), path, "duplicate key"));
            } else if (prefix.isEmpty() && !KeyCatalog.SECTIONS.contains(name)) {
                ignoredSections.add(name);
            } else if (catalog.byPath(path).isPresent()) {
                if (!isNull(value)) {
                    values.add(raw(catalog.byPath(path).get(), value, line(keyNode)));
                }
            } else if (catalog.isParent(path) || prefix.isEmpty()) {
                if (value instanceof MappingNode child) {
                    walk(child, path);
                } else if (!isNull(value)) {
                    problems.add(new Problem(file, line(keyNode), path,
                            "expected a mapping of settings, got " + shape(value).description()));
                }
            } else {
                warnings.warn(file + ":" + line(keyNode) + ": unknown key '" + path + "' ignored");
            }
        }
    }

    private RawValue raw(ConfigKey key, Node value, int line) {
        Shape shape = shape(value);
        return switch (shape) {
            case SCALAR -> RawValue.scalar(key, ((ScalarNode) value).getValue(), file, line);
            case LIST -> RawValue.structured(key, shape,
                    ((SequenceNode) value).getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList(), file, line);
            default -> RawValue.structured(key, shape, List.of(), file, line);
        };
    }

    private static Shape shape(Node node) {
        return switch (node) {
            case ScalarNode _ -> Shape.SCALAR;
            case MappingNode _ -> Shape.MAPPING;
            case SequenceNode s -> s.getValue().stream().allMatch(ScalarNode.class::isInstance)
                    ? Shape.LIST : Shape.NESTED_LIST;
            default -> Shape.NESTED_LIST;
        };
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static int line(Node node) {
        return line(node.getStartMark());
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    /**
     * @return SnakeYAML's context and problem, e.g. {@code while scanning a quoted scalar (line 3),
     *         found unexpected end of stream}; never the snippet of the file, which may hold a secret
     */
    private static String describe(MarkedYAMLException e) {
        String problem = e.getProblem();
        String context = e.getContext();
        if (context == null) {
            return problem == null ? "malformed document" : problem;
        }
        int contextLine = line(e.getContextMark());
        boolean sameLine = e.getProblemMark() == null || contextLine == line(e.getProblemMark());
        String where = sameLine || contextLine == 0 ? "" : " (line " + contextLine + ")";
        return problem == null ? context + where : context + where + ", " + problem;
    }

    private static int lineAt(String text, int position) {
        int end = Math.min(Math.max(position, 0), text.length());
        int line = 1;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
