package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ndjsonparquet.controller.cli.Main;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The chart starts each controller role with the subcommand of its name, and that name is the subcommand's own
 * (not an alias kept for old Deployments, such as the dispatcher's former {@code controller}).
 */
class ContainerCommandsTest {

    @Test
    void eachRoleRunsTheSubcommandOfItsName() {
        List<JsonNode> objects = Chart.render();
        CommandLine main = Main.commandLine();
        for (String role : List.of("dispatcher", "builder")) {
            JsonNode container = Chart.find(objects, "Deployment", Chart.RELEASE + "-" + role)
                    .path("spec").path("template").path("spec").path("containers").get(0);
            String subcommand = container.path("args").get(0).asString();
            assertEquals(role, subcommand, role + " container args " + container.path("args"));
            CommandLine command = main.getSubcommands().get(subcommand);
            assertNotNull(command, "no subcommand " + subcommand);
            assertEquals(subcommand, command.getCommandName(), subcommand + " is an alias, not the subcommand's name");
        }
    }
}
