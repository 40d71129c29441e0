package dev.ndjsonparquet.spark.commit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.spark.faults.FailBeforeResult;
import org.junit.jupiter.api.Test;

/** The class named by the checkpoints setting: nothing loaded when absent, refused when it is not checkpoints. */
class CheckpointsTest {

    @Test
    void noClassNamedMeansNone() {
        assertSame(Checkpoints.NONE, Checkpoints.load(null));
        assertSame(Checkpoints.NONE, Checkpoints.load(" "));
    }

    @Test
    void aNamedClassIsInstantiated() {
        assertInstanceOf(FailBeforeResult.class, Checkpoints.load(FailBeforeResult.class.getName()));
    }

    @Test
    void aClassThatIsNotCheckpointsIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(StringBuilder.class.getName()));
        assertTrue(e.getMessage().contains(Checkpoints.CLASS_SETTING), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load("no.such.Checkpoints"));
        assertTrue(missing.getMessage().contains("no.such.Checkpoints"), missing.getMessage());
    }
}
