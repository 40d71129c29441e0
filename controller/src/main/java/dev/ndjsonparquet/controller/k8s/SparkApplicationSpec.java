package dev.ndjsonparquet.controller.k8s;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The fields of {@code spec} the controller decides or checks. Anything else in an operator's template
 * (volumes, node selectors, tolerations, Hadoop configuration, dynamic allocation...) is kept as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "mode", "image", "sparkVersion", "mainClass", "mainApplicationFile", "arguments",
        "timeToLiveSeconds", "sparkConf", "driver", "executor"})
public class SparkApplicationSpec extends WithExtraFields {

    private String type;
    private String mode;
    private String image;
    private String sparkVersion;
    private String mainClass;
    private String mainApplicationFile;
    private List<String> arguments;
    private Long timeToLiveSeconds;
    private Map<String, String> sparkConf;
    private RoleSpec driver;
    private RoleSpec executor;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getSparkVersion() {
        return sparkVersion;
    }

    public void setSparkVersion(String sparkVersion) {
        this.sparkVersion = sparkVersion;
    }

    public String getMainClass() {
        return mainClass;
    }

    public void setMainClass(String mainClass) {
        this.mainClass = mainClass;
    }

    public String getMainApplicationFile() {
        return mainApplicationFile;
    }

    public void setMainApplicationFile(String mainApplicationFile) {
        this.mainApplicationFile = mainApplicationFile;
    }

    public List<String> getArguments() {
        return arguments;
    }

    public void setArguments(List<String> arguments) {
        this.arguments = arguments;
    }

    public Long getTimeToLiveSeconds() {
        return timeToLiveSeconds;
    }

    public void setTimeToLiveSeconds(Long timeToLiveSeconds) {
        this.timeToLiveSeconds = timeToLiveSeconds;
    }

    public Map<String, String> getSparkConf() {
        return sparkConf;
    }

    public void setSparkConf(Map<String, String> sparkConf) {
        this.sparkConf = sparkConf;
    }

    public RoleSpec getDriver() {
        return driver;
    }

    public void setDriver(RoleSpec driver) {
        this.driver = driver;
    }

    public RoleSpec getExecutor() {
        return executor;
    }

    public void setExecutor(RoleSpec executor) {
        this.executor = executor;
    }
}
