package dev.ndjsonparquet.settings;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One declared setting: its key (the flag {@code --key} and the config-file key), its environment
 * variable, its default, its description and how to parse and check a value. Every setting of every
 * process is declared exactly once as a constant of this type; flags, environment, config file and the
 * README table all come from that declaration.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

    private final String key;
    private final String env;
    private final String type;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String description;
    private final Function<String, T> parser;
    private final Function<T, Optional<String>> check;

    private Setting(Builder<T> b) {
        this.key = Objects.requireNonNull(b.key);
        this.env = b.env;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.secret = b.secret;
        this.description = Objects.requireNonNull(b.description, "description of " + b.key);
        this.parser = b.parser;
        this.check = b.check;
    }

    public static Builder<String> string(String key) {
        return new Builder<>(key, "string", s -> s);
    }

    public static Builder<Integer> integer(String key) {
        return new Builder<>(key, "integer", s -> Integer.valueOf(s.trim()));
    }

    public static Builder<Long> longInt(String key) {
        return new Builder<>(key, "integer", s -> Long.valueOf(s.trim()));
    }

    public static Builder<Double> decimal(String key) {
        return new Builder<>(key, "number", s -> Double.valueOf(s.trim()));
    }

    public static Builder<Boolean> bool(String key) {
        return new Builder<>(key, "boolean", Setting::parseBoolean);
    }

    public static <E extends Enum<E>> Builder<E> oneOf(String key, Class<E> type) {
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : "|").append(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        return new Builder<>(key, names.toString(), s -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim().replace('-', '_'))) {
                    return e;
                }
            }
            throw new IllegalArgumentException("expected one of " + names);
        });
    }

    public static <T> Builder<T> of(String key, String type, Function<String, T> parser) {
        return new Builder<>(key, type, parser);
    }

    private static Boolean parseBoolean(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1", "on" -> Boolean.TRUE;
            case "false", "no", "0", "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    public String key() {
        return key;
    }

    /** The environment variable, or null when the setting has none. */
    public String env() {
        return env;
    }

    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    /** A secret's value is never printed: not in errors, not in summaries. */
    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** Parses and checks a raw value; the message names the problem without echoing a secret. */
    public T parse(String raw) {
        T value;
        try {
            value = parser.apply(raw);
        } catch (RuntimeException e) {
            String why = e instanceof NumberFormatException ? "expected " + type : e.getMessage();
            throw new IllegalArgumentException(secret ? why : "'" + raw + "': " + why, e);
        }
        check.apply(value).ifPresent(problem -> {
            throw new IllegalArgumentException(secret ? problem : "'" + raw + "': " + problem);
        });
        return value;
    }

    @Override
    public String toString() {
        return key;
    }

    /** Builds a {@link Setting}; {@link #describedAs} is required. */
    public static final class Builder<T> {
        private final String key;
        private final String type;
        private final Function<String, T> parser;
        private String env;
        private T defaultValue;
        private boolean required;
        private boolean secret;
        private String description;
        private Function<T, Optional<String>> check = v -> Optional.empty();

        private Builder(String key, String type, Function<String, T> parser) {
            this.key = key;
            this.type = type;
            this.parser = parser;
        }

        public Builder<T> env(String name) {
            this.env = name;
            return this;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> describedAs(String text) {
            this.description = text;
            return this;
        }

        /** A check on the parsed value: an empty result means fine, else the problem. */
        public Builder<T> check(Function<T, Optional<String>> rule) {
            Function<T, Optional<String>> previous = this.check;
            this.check = v -> previous.apply(v).or(() -> rule.apply(v));
            return this;
        }

        public Builder<T> atLeast(Number min) {
            return check(v -> ((Number) v).doubleValue() < min.doubleValue()
                    ? Optional.of("must be at least " + min) : Optional.empty());
        }

        public Setting<T> build() {
            return new Setting<>(this);
        }
    }
}
