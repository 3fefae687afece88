package org.jdnn.train.io;


import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict header JSON parser and the string quoter. */
class JsonTest {

    @Test
    void parsesTheFullGrammar() throws Json.SyntaxException {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, 0, true, false, null], \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"o\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "s", "o"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(new BigDecimal("1"), a.get(0));
        assertEquals(0, new BigDecimal("-2500").compareTo((BigDecimal) a.get(1)));
        assertEquals(Boolean.TRUE, a.get(3));
        assertEquals(Json.NULL, a.get(5));
        assertEquals("x\"\\/\b\f\n\r\t\u00e9\ud83d\ude00", m.get("s"));
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\" 1}", "01", "1.", "-", "1e",
                "\"\\x\"", "\"\\u12\"", "\"a\u0001\"", "tru", "{} {}", "{\"a\":1,\"a\":2}", "[".repeat(100) + "]".repeat(100),
                "NaN", "{\"a\":1e99999999999}"}) {
            var e = assertThrows(Json.SyntaxException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
    }

    @Test
    void quoteRoundTrips() throws Json.SyntaxException {
        String s = "q\"b\\n\n\t\u0000\u001f\u00e9\u4e2d/";
        assertEquals(s, Json.parse(Json.quote(s)));
        assertEquals("\"\\u0000\"", Json.quote("\u0000"));
    }
}
