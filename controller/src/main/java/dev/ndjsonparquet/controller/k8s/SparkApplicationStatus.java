package dev.ndjsonparquet.controller.k8s;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What spark-operator reports; the controller only reads it (tests write it the way spark-operator does). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SparkApplicationStatus extends WithExtraFields {

    private State applicationState;
    private Integer executionAttempts;
    private Integer submissionAttempts;
    private String lastSubmissionAttemptTime;
    private String terminationTime;

    public State getApplicationState() {
        return applicationState;
    }

    public void setApplicationState(State applicationState) {
        this.applicationState = applicationState;
    }

    public Integer getExecutionAttempts() {
        return executionAttempts;
    }

    public void setExecutionAttempts(Integer executionAttempts) {
        this.executionAttempts = executionAttempts;
    }

    public Integer getSubmissionAttempts() {
        return submissionAttempts;
    }

    public void setSubmissionAttempts(Integer submissionAttempts) {
        this.submissionAttempts = submissionAttempts;
    }

    public String getLastSubmissionAttemptTime() {
        return lastSubmissionAttemptTime;
    }

    public void setLastSubmissionAttemptTime(String lastSubmissionAttemptTime) {
        this.lastSubmissionAttemptTime = lastSubmissionAttemptTime;
    }

    public String getTerminationTime() {
        return terminationTime;
    }

    public void setTerminationTime(String terminationTime) {
        this.terminationTime = terminationTime;
    }

    /** {@code status.applicationState}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class State extends WithExtraFields {
        private String state;
        private String errorMessage;

        public State() {
        }

        public State(String state, String errorMessage) {
            this.state = state;
            this.errorMessage = errorMessage;
        }

        public String getState() {
            return state;
        }

        public void setState(String state) {
            this.state = state;
        }

        public String getErrorMessage() {
            return errorMessage;
        }

        public void setErrorMessage(String errorMessage) {
            this.errorMessage = errorMessage;
        }
    }
}
