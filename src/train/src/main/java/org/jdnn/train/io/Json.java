package org.jdnn.train.io;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON a safetensors header needs: a strict RFC 8259 parser and a string quoter.
 *
 * <p>Hand-written rather than a dependency (Jackson, Gson) because the header is a tiny fixed subset,
 * because a checkpoint reader must be strict in ways general libraries are lenient by default (duplicate
 * keys, nesting depth, trailing garbage) and because the library then needs nothing beyond the JDK and
 * oneDNN. Values parse to {@link LinkedHashMap} (key order kept), {@link List}, {@link String},
 * {@link BigDecimal}, {@link Boolean} and {@link #NULL}.
 */
public final class Json {
    /** The JSON {@code null} (maps cannot hold Java null values usefully). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final int MAX_DEPTH = 64;

    /** A syntax error with its character offset. */
    public static final class SyntaxException extends Exception {
        SyntaxException(String message, int offset) {
            super(message + " at character " + offset);
        }
    }

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value; only whitespace may follow it. */
    public static Object parse(String text) throws SyntaxException {
        Json parser = new Json(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(parser.pos) + "' after the JSON value", parser.pos);
        }
        return value;
    }

    private Object value(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw new SyntaxException("nesting deeper than " + MAX_DEPTH, pos);
        }
        if (pos >= text.length()) {
            throw new SyntaxException("unexpected end of text", pos);
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new SyntaxException("unexpected '" + c + "'", pos);
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        int start = pos;
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw new SyntaxException("expected a string key (object opened at character " + start + ")", pos);
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth + 1);
            if (map.putIfAbsent(key, v) != null) {
                throw new SyntaxException("duplicate key \"" + key + "\"", keyAt);
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or '}' (object opened at character " + start + ")", pos - 1);
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        int start = pos;
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or ']' (array opened at character " + start + ")", pos - 1);
            }
        }
    }

    private String string() throws SyntaxException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw new SyntaxException("unterminated string", start);
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new SyntaxException("control character 0x" + Integer.toHexString(c) + " in a string", pos - 1);
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw new SyntaxException("unterminated escape", pos);
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw new SyntaxException("truncated \\u escape", pos);
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos + i), 16);
                        if (digit < 0) {
                            throw new SyntaxException("bad hex digit in \\u escape", pos + i);
                        }
                        code = code * 16 + digit;
                    }
                    pos += 4;
                    sb.append((char) code);
                }
                default -> throw new SyntaxException("bad escape \\" + e, pos - 1);
            }
        }
    }

    private BigDecimal number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw new SyntaxException("bad number", start);
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw new SyntaxException("bad number: no digit after '.'", pos);
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw new SyntaxException("bad number: no digit in the exponent", pos);
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException | ArithmeticException ex) {
            throw new SyntaxException("number out of range", start);
        }
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw new SyntaxException("unexpected '" + text.charAt(pos) + "'", pos);
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw new SyntaxException(pos >= text.length() ? "unexpected end of text, expected '" + c + "'"
                    : "expected '" + c + "', found '" + text.charAt(pos) + "'", pos);
        }
        pos++;
    }

    /** The current character, or 0 at the end (0 is never valid JSON outside strings). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** {@code s} as a JSON string literal: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
