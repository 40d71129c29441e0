package dev.ndjsonparquet.tools.plan;

import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.settings.SettingsTable;
import dev.ndjsonparquet.testsupport.GeneratedSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/plan.md embeds the settings table generated from the declarations, and the README's cost section the seed's
 * scale at 0, 10 and 30 per cent overflow computed by {@link Plan}; these fail when either drifts
 * (scripts/regenerate-docs.sh rewrites both).
 */
public class PlanDocsTest {

    /** The overflow shares the README's cost section shows. */
    static final List<String> README_SHARES = List.of("0", "0.1", "0.3");

    public static GeneratedSection settings(Path root) {
        return new GeneratedSection(root.resolve("docs/plan.md"),
                "<!-- generated from PlanSettings.ALL by SettingsTable.markdown; PlanDocsTest fails when this drifts -->\n",
                "<!-- end of generated table -->", SettingsTable.markdown(PlanSettings.ALL));
    }

    public static GeneratedSection overflowCosts(Path root) {
        List<PlanResult> results = README_SHARES.stream()
                .map(share -> Plan.compute(PlanSettings.inputs(SettingsResolver.resolve(PlanSettings.ALL,
                        Map.of("overflow-share", share), Map.of(), Map.of()))))
                .toList();
        return new GeneratedSection(root.resolve("README.md"), "<!-- plan-overflow:start -->\n",
                "<!-- plan-overflow:end -->", PlanReport.overflowTable(results));
    }

    @Test
    void planMdHoldsTheGeneratedSettingsTable() throws IOException {
        settings(Path.of("..")).assertCurrent();
    }

    @Test
    void readmeCostSectionHoldsTheSeedsScaleAtEachOverflowShare() throws IOException {
        overflowCosts(Path.of("..")).assertCurrent();
    }
}
