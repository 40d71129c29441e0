package dev.ndjsonparquet.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's pure parts: naming calls, drawing faults from the seed, the parts --without leaves. */
class SoakPartsTest {

    @Test
    void callsAreNamedAsTheirApiNamesThem() {
        assertEquals(new Call("s3", "PutObject", "builder-r1-1", true),
                Call.of("s3", "PUT", "/pipeline/ledger/files/a.json", null, null, "builder-r1-1", "aws-sdk-java"));
        assertEquals(new Call("s3", "CopyObject", "builder-r1-1", true),
                Call.of("s3", "PUT", "/pipeline/quarantine/x", null, "/landing/x", "builder-r1-1", null));
        assertEquals(new Call("s3", "ListObjects", "spark", false),
                Call.of("s3", "GET", "/lake/?list-type=2&prefix=events%2F", null, null, null, "Hadoop 3.5.0, aws-sdk-java/2"));
        assertEquals(new Call("s3", "GetObject", "spark", false), Call.of("s3", "GET", "/landing/a%20b.ndjson", null, null, null, "Hadoop"));
        assertEquals(new Call("s3", "DeleteObjects", "spark", true), Call.of("s3", "POST", "/lake/?delete", null, null, null, "Hadoop"));
        assertEquals(new Call("sqs", "ReceiveMessage", "dispatcher-r1-2", false),
                Call.of("sqs", "POST", "/", "AmazonSQS.ReceiveMessage", null, "dispatcher-r1-2", null));
        assertEquals(new Call("sqs", "ChangeMessageVisibilityBatch", "builder-r1-1", true),
                Call.of("sqs", "POST", "/", "AmazonSQS.ChangeMessageVisibilityBatch", null, "builder-r1-1", null));
        assertEquals(new Call("k8s", "create sparkapplications", "dispatcher-r1-1", true),
                Call.of("k8s", "POST", "/apis/sparkoperator.k8s.io/v1beta2/namespaces/soak-r1/sparkapplications", null, null,
                        "dispatcher-r1-1", null));
        assertEquals(new Call("k8s", "list sparkapplications", "dispatcher-r1-1", false),
                Call.of("k8s", "GET", "/apis/sparkoperator.k8s.io/v1beta2/namespaces/soak-r1/sparkapplications?labelSelector=a", null,
                        null, "dispatcher-r1-1", null));
        assertEquals(new Call("k8s", "update sparkapplications/status", "operator", true),
                Call.of("k8s", "PUT", "/apis/sparkoperator.k8s.io/v1beta2/namespaces/soak-r1/sparkapplications/np-m-1/status", null,
                        null, "operator", null));
        Call lease = Call.of("k8s", "PATCH", "/apis/coordination.k8s.io/v1/namespaces/soak-r1/leases/builder", null, null, "builder-r1-1", null);
        assertEquals("k8s patch leases", lease.name());
        assertFalse(lease.writes(), "a Lease renewal is not work in progress: no kill is placed on it");
    }

    @Test
    void eachCallsFaultIsAFunctionOfTheSeedAndTheCallNotOfTheOrderOfCalls() {
        Set<Fault> all = EnumSet.allOf(Fault.class);
        Call put = new Call("s3", "PutObject", "builder-r1-1", true);
        Call receive = new Call("sqs", "ReceiveMessage", "dispatcher-r1-1", false);
        FaultSchedule a = new FaultSchedule(42, 0.2, all, Set.of());
        FaultSchedule b = new FaultSchedule(42, 0.2, all, Set.of());
        List<FaultSchedule.Decision> putsA = new ArrayList<>();
        List<FaultSchedule.Decision> putsB = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            putsA.add(a.decide(put));
            a.decide(receive);
        }
        for (int i = 0; i < 200; i++) {
            b.decide(receive);
            b.decide(receive);
            putsB.add(b.decide(put));
        }
        assertEquals(putsA, putsB, "the same seed gives each call the same fate, whatever else was called in between");
        long faults = putsA.stream().filter(d -> d.fault() != null).count();
        assertTrue(faults > 20 && faults < 70, "about a fifth of 200 calls: " + faults);
        assertTrue(putsA.stream().map(FaultSchedule.Decision::fault).distinct().count() == 4, "every kind drawn, and none: " + putsA);
        FaultSchedule other = new FaultSchedule(43, 0.2, all, Set.of());
        List<FaultSchedule.Decision> putsOther = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            putsOther.add(other.decide(put));
        }
        assertFalse(putsA.equals(putsOther), "another seed, other fates");
    }

    @Test
    void exemptCallersAndLeftOutKindsAreNeverFaulted() {
        FaultSchedule s = new FaultSchedule(1, 0.5, EnumSet.of(Fault.SLOW), Set.of("operator"));
        for (int i = 0; i < 100; i++) {
            assertEquals(null, s.decide(new Call("k8s", "list sparkapplications", "operator", false)).fault());
            Fault f = s.decide(new Call("s3", "GetObject", "spark", false)).fault();
            assertTrue(f == null || f == Fault.SLOW, String.valueOf(f));
        }
    }

    @Test
    void withoutTakesPartsOutByNameAndRefusesUnknownNames() {
        SoakOptions.Parts p = SoakOptions.without(List.of("slow", "gzip-members", "redrives", " "));
        assertEquals(EnumSet.of(Fault.FAILS_BEFORE, Fault.TAKES_EFFECT_THEN_FAILS), p.faults());
        assertFalse(p.inputs().contains(SoakInputs.Kind.GZIP_MEMBERS));
        assertFalse(p.chaos().contains(SoakOptions.Chaos.REDRIVES));
        assertTrue(p.chaos().contains(SoakOptions.Chaos.KILLS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoakOptions.without(List.of("slw")));
        assertTrue(e.getMessage().contains("unknown [slw]") && e.getMessage().contains("takes-effect-then-fails"), e.getMessage());
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertEquals(java.time.Duration.ofMinutes(45), SoakSettings.duration("45m"));
        assertEquals(java.time.Duration.ofHours(2), SoakSettings.duration("2h"));
        assertEquals(java.time.Duration.ofMinutes(90), SoakSettings.duration("PT90M"));
        assertThrows(IllegalArgumentException.class, () -> SoakSettings.duration("soon"));
    }
}
