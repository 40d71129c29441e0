package dev.ndjsonparquet.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a KEDA {@code scalingModifiers} formula as KEDA's expr-lang does, for the subset the chart writes:
 * float literals, trigger names, {@code + - * /}, comparisons, {@code ?:} and {@code floor ceil max min}. Anything
 * else is refused, so the chart cannot write a formula this test does not understand.
 */
final class KedaFormula {

    private final String text;
    private final Map<String, Double> variables;
    private int pos;

    private KedaFormula(String text, Map<String, Double> variables) {
        this.text = text;
        this.variables = variables;
    }

    static double evaluate(String formula, Map<String, Double> variables) {
        KedaFormula f = new KedaFormula(formula, variables);
        double v = f.ternary();
        f.skipSpaces();
        if (f.pos != formula.length()) {
            throw new IllegalArgumentException("unexpected '" + formula.substring(f.pos) + "' in " + formula);
        }
        return v;
    }

    private double ternary() {
        double condition = comparison();
        if (accept("?")) {
            double yes = ternary();
            expect(":");
            double no = ternary();
            return condition != 0 ? yes : no;
        }
        return condition;
    }

    private double comparison() {
        double left = sum();
        for (String op : List.of(">=", "<=", "==", ">", "<")) {
            if (accept(op)) {
                double right = sum();
                boolean r = switch (op) {
                    case ">=" -> left >= right;
                    case "<=" -> left <= right;
                    case "==" -> left == right;
                    case ">" -> left > right;
                    default -> left < right;
                };
                return r ? 1 : 0;
            }
        }
        return left;
    }

    private double sum() {
        double v = product();
        while (true) {
            if (accept("+")) {
                v += product();
            } else if (accept("-")) {
                v -= product();
            } else {
                return v;
            }
        }
    }

    private double product() {
        double v = unary();
        while (true) {
            if (accept("*")) {
                v *= unary();
            } else if (accept("/")) {
                v /= unary();
            } else {
                return v;
            }
        }
    }

    private double unary() {
        if (accept("-")) {
            return -unary();
        }
        if (accept("(")) {
            double v = ternary();
            expect(")");
            return v;
        }
        skipSpaces();
        int start = pos;
        if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String literal = text.substring(start, pos);
            if (!literal.contains(".")) {
                throw new IllegalArgumentException("integer literal " + literal + ": KEDA's formula must stay a float");
            }
            return Double.parseDouble(literal);
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("expected a value at '" + text.substring(start) + "'");
        }
        if (accept("(")) {
            List<Double> args = new ArrayList<>();
            do {
                args.add(ternary());
            } while (accept(","));
            expect(")");
            return switch (name) {
                case "floor" -> Math.floor(one(name, args));
                case "ceil" -> Math.ceil(one(name, args));
                case "max" -> args.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                case "min" -> args.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                default -> throw new IllegalArgumentException("function " + name);
            };
        }
        Double v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no trigger named " + name);
        }
        return v;
    }

    private static double one(String name, List<Double> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException(name + " takes one argument");
        }
        return args.get(0);
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    private boolean accept(String token) {
        skipSpaces();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw new IllegalArgumentException("expected '" + token + "' at '" + text.substring(pos) + "'");
        }
    }
}
