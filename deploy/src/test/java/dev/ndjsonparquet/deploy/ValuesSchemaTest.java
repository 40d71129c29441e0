package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json makes bad values fail at install (helm template runs the same check as helm install). */
class ValuesSchemaTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top-level key (a typo)           | dispatcherr: {replicas: 1}
            unknown nested key (a typo)              | dispatcher: {replica: 3}
            negative replicas                        | dispatcher: {replicas: -1}
            a number as text                         | dispatcher: {maxConcurrentRuns: "fifty"}
            zero concurrent runs                     | dispatcher: {maxConcurrentRuns: 0}
            unknown capacity label scheme            | scheduling: {capacityTypeLabels: gke}
            placeholder priority below -10           | priorityClasses: {placeholder: {value: -11}}
            placeholder priority not negative        | priorityClasses: {placeholder: {value: 5}}
            executor grace beyond the spot notice    | spark: {executor: {terminationGracePeriodSeconds: 300}}
            Spark memory without a unit              | spark: {executor: {memory: "16"}}
            root user for the controller             | controller: {securityContext: {runAsNonRoot: false}}
            privilege escalation for Spark           | spark: {securityContext: {allowPrivilegeEscalation: true}}
            seccomp off                              | controller: {podSecurityContext: {seccompProfile: {type: Unconfined}}}
            a queue URL that is not https            | queues: {manifestUrl: "sqs://queue"}
            an allowed input that is not S3          | storage: {allowedInputs: ["/data"]}
            quarantine mode that does not exist      | builder: {quarantineMode: delete}
            KEDA identity with both owner and role   | placeholders: {podIdentity: {provider: aws, identityOwner: keda, roleArn: "arn:aws:iam::123456789012:role/x"}}
            Karpenter without its cluster name       | karpenter: {enabled: true, nodeRole: NodeRole}
            Karpenter consolidation policy misspelt  | karpenter: {spot: {consolidationPolicy: WhenIdle}}
            expected file size zero                  | placeholders: {expectedFileSizeMb: 0}
            KEDA identity of the placeholders        | placeholders: {podIdentity: {provider: aws, identityOwner: workload}}
            KEDA's deprecated aws-eks provider       | placeholders: {podIdentity: {provider: aws-eks}}
            KEDA identity with neither owner nor role | placeholders: {podIdentity: {provider: aws, identityOwner: null}}
            spark-operator retrying as well          | spark: {restartPolicy: {type: OnFailure}}
            Karpenter with EKS capacity labels       | {scheduling: {capacityTypeLabels: eks}, karpenter: {enabled: true, clusterName: c, nodeRole: r}}
            executors above the default priority     | priorityClasses: {executor: {value: 100}}
            instance store policy misspelt           | karpenter: {instanceStorePolicy: raid0}
            event logs on with no directory          | spark: {eventLog: {enabled: true}}
            event logs not on S3A                    | spark: {eventLog: {enabled: true, dir: "s3://bucket/events/"}}
            a conversion setting misspelt            | conversion: {COMPRESION: zstd}
            region that is not a region              | aws: {region: Ireland}
            reconciliation on with nothing to list   | builder: {reconcileIntervalSeconds: 600}
            allowed input without a trailing slash   | storage: {allowedInputs: ["s3://landing/events"]}
            applications deleted before the message  | spark: {timeToLiveSeconds: 300}
            """)
    void rejects(String why, String values) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.templateWith(values), why);
        assertTrue(e.getMessage().contains("schema") || e.getMessage().contains("values don't meet")
                || e.getMessage().contains("must be at least"), e::getMessage);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Karpenter labels                         | scheduling: {capacityTypeLabels: karpenter}
            KEDA assumes a role                      | placeholders: {podIdentity: {provider: aws, identityOwner: null, roleArn: "arn:aws:iam::123456789012:role/keda"}}
            no placeholders                          | placeholders: {enabled: false}
            percent PDB                              | dispatcher: {podDisruptionBudget: {enabled: true, maxUnavailable: "50%"}}
            numeric CPU quantity                     | builder: {resources: {requests: {cpu: 1, memory: 1Gi}}}
            """)
    void accepts(String why, String values) {
        assertTrue(Chart.templateWith(values).contains("kind: Deployment"), why);
    }

    @Test
    void acceptsEveryOptionalPartOn() {
        assertTrue(Chart.template(Chart.values("all-on.yaml")).contains("kind: NodePool"));
    }
}
