package dev.ndjsonparquet.tools.docs;

import dev.ndjsonparquet.controller.builder.BuilderDocsTest;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.testsupport.GeneratedSection;
import dev.ndjsonparquet.testsupport.ReadmeSettingsTables;
import dev.ndjsonparquet.tools.local.LocalDocsTest;
import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.plan.PlanDocsTest;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/regenerate-docs.sh}: rewrites every settings table generated from the declarations (the README's, and
 * the sections of docs/builder.md, docs/local.md, docs/soak.md, docs/plan.md and the README's overflow costs). The staleness tests only compare, always; this is
 * the only code that writes. (The chart's and manifests' generated files have their own script,
 * scripts/render-manifests.sh.)
 */
public final class RegenerateDocs {

    private RegenerateDocs() {
    }

    /** The README's tables by marker name, as the staleness tests of spark-app, controller and tools check them. */
    static Map<String, List<Setting<?>>> readmeTables() {
        Map<String, List<Setting<?>>> t = new LinkedHashMap<>();
        t.put("conversion", ConversionSettings.ALL);
        t.put("dispatcher", DispatcherSettings.ALL);
        t.put("builder", BuilderSettings.ALL);
        t.put("maintain", dev.ndjsonparquet.controller.maintain.MaintainSettings.ALL);
        t.put("local", LocalSettings.DEMO);
        t.put("plan", PlanSettings.ALL);
        return t;
    }

    static List<GeneratedSection> sections(Path root) {
        return List.of(BuilderDocsTest.section(root), LocalDocsTest.section(root), SoakDocsTest.section(root),
                PlanDocsTest.settings(root), PlanDocsTest.overflowCosts(root));
    }

    /** @param args the repository's root (default: the parent of the working directory, as for a module's tests) */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        List<ReadmeSettingsTables.Stale> left = ReadmeSettingsTables.check(root.resolve("README.md"), readmeTables(), true);
        for (ReadmeSettingsTables.Stale s : left) {
            System.err.println("README.md: cannot rewrite the " + s.name() + " table: " + s.actual());
        }
        for (GeneratedSection s : sections(root)) {
            if (s.rewrite()) {
                System.out.println("rewrote the generated section of " + root.relativize(s.file()));
            }
        }
        if (!left.isEmpty()) {
            System.exit(1);
        }
    }
}
