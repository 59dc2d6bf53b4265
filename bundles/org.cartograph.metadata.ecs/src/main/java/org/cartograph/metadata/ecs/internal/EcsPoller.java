package org.cartograph.metadata.ecs.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;
import org.cartograph.status.Health;

/**
 * One poll cycle after the other on the provider's executor: the task metadata endpoint v4 for
 * this task (cluster, zone, launch type, service, addresses), then, unless the launch type is
 * Fargate, the container agent's introspection API for every task on the host; the two are merged
 * (the v4 task wins over its introspection twin; the other tasks get this instance's cluster and
 * zone) and the store is written only when the result changes. A source that fails keeps its last
 * good data; the cycle then retries with a doubling delay (up to six poll intervals). All state is
 * confined to the executor's thread.
 */
final class EcsPoller {

    private final String taskUri;
    private final String introspectionUri;
    private final boolean fargateEnvironment;
    private final long pollMillis;
    private final HttpFetch http;
    private final WorkloadWriter writer;
    private final ScheduledExecutorService executor;
    private final EcsStatus status;
    private final TaskParser taskParser;
    private final IntrospectionParser introspection;
    private byte[] lastTaskBody;
    private byte[] lastTasksBody;
    private List<WorkloadEntity> own = List.of();
    private List<IntrospectionParser.HostTask> hostTasks = List.of();
    private String hostCluster = "";
    private List<WorkloadEntity> written;

    /**
     * @param taskUri            the v4 endpoint, or empty
     * @param introspectionUri   the agent's introspection API, or empty
     * @param fargateEnvironment whether the environment says Fargate ({@code AWS_EXECUTION_ENV})
     */
    EcsPoller(String taskUri, String introspectionUri, boolean fargateEnvironment, long pollMillis, HttpFetch http,
              WorkloadWriter writer, ScheduledExecutorService executor, EcsStatus status, String source) {
        this.taskUri = HttpFetch.base(taskUri);
        this.introspectionUri = HttpFetch.base(introspectionUri);
        this.fargateEnvironment = fargateEnvironment;
        this.pollMillis = pollMillis;
        this.http = http;
        this.writer = writer;
        this.executor = executor;
        this.status = status;
        this.taskParser = new TaskParser(source);
        this.introspection = new IntrospectionParser(source);
    }

    /** Schedules the first cycle at once. */
    void start() {
        executor.execute(() -> cycle(Math.min(1_000, pollMillis)));
    }

    private void cycle(long retryMillis) {
        List<String> errors = new ArrayList<>();
        try {
            status.polls.incrementAndGet();
            if (!taskUri.isEmpty()) {
                pollTask(errors);
            }
            boolean fargate = fargateEnvironment || "fargate".equals(ownTag("ecs_launch_type"));
            if (fargate) {
                hostTasks = List.of();
            } else if (!introspectionUri.isEmpty() && (taskUri.isEmpty() || !own.isEmpty())) {
                pollHost(errors);
            }
            List<WorkloadEntity> merged = new ArrayList<>(own);
            merged.addAll(introspection.entities(hostTasks, new IntrospectionParser.Host(cluster(),
                    ownTag("availability_zone")), own));
            if (!merged.equals(written)) {
                writer.replaceAll(merged);
                written = merged;
            }
            report(errors, fargate);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            errors.add("unexpected " + e);
            report(errors, false);
        }
        long next = errors.isEmpty() ? pollMillis : retryMillis;
        long retry = errors.isEmpty() ? Math.min(1_000, pollMillis) : Math.min(pollMillis * 6, retryMillis * 2);
        if (!executor.isShutdown()) {
            executor.schedule(() -> cycle(retry), next, TimeUnit.MILLISECONDS);
        }
    }

    private void pollTask(List<String> errors) throws InterruptedException {
        try {
            byte[] body = http.get(taskUri + "/task");
            if (!Arrays.equals(body, lastTaskBody)) {
                own = List.copyOf(taskParser.parse(body));
                lastTaskBody = body;
                status.containers.set(own.size() - 1L);
            }
        } catch (IOException e) {
            errors.add("ECS task metadata at " + taskUri + " unusable (" + message(e) + ")");
        }
    }

    private void pollHost(List<String> errors) throws InterruptedException {
        if (ownTag("ecs_cluster_name").isEmpty() && hostCluster.isEmpty()) {
            try {
                hostCluster = introspection.cluster(http.get(introspectionUri + "/v1/metadata"));
            } catch (IOException e) {
                errors.add("ECS agent introspection at " + introspectionUri + " unusable (" + message(e) + ")");
                return;
            }
        }
        try {
            byte[] body = http.get(introspectionUri + "/v1/tasks");
            if (!Arrays.equals(body, lastTasksBody)) {
                hostTasks = List.copyOf(introspection.tasks(body));
                lastTasksBody = body;
            }
        } catch (IOException e) {
            errors.add("ECS agent introspection at " + introspectionUri + " unusable (" + message(e) + ")");
        }
    }

    private void report(List<String> errors, boolean fargate) {
        List<WorkloadEntity> host = written == null ? List.of() : written.subList(Math.min(own.size(), written.size()),
                written.size());
        long tasks = host.stream().filter(e -> e.id().kind().equals(TaskParser.TASK_KIND)).count();
        status.hostTasks.set(tasks);
        status.hostContainers.set(host.size() - tasks);
        if (!errors.isEmpty()) {
            status.failures.incrementAndGet();
            boolean any = written != null && !written.isEmpty();
            status.set(any ? Health.DEGRADED : Health.DOWN, String.join("; ", errors) + "; retrying with backoff"
                    + (any ? ", keeping the last good data" : ""));
            return;
        }
        String ownPart = taskUri.isEmpty() ? "" : "task " + status.containers.get() + " containers";
        String hostPart = fargate ? "Fargate: no introspection API, other tasks not visible"
                : introspectionUri.isEmpty() ? "" : tasks + " other tasks on the host, " + (host.size() - tasks)
                        + " containers";
        status.set(Health.OK, ownPart + (!ownPart.isEmpty() && !hostPart.isEmpty() ? "; " : "") + hostPart);
    }

    private String cluster() {
        String own = ownTag("ecs_cluster_name");
        return own.isEmpty() ? hostCluster : own;
    }

    private String ownTag(String key) {
        if (own.isEmpty()) {
            return "";
        }
        String v = own.get(0).tags().get(key);
        return v == null ? "" : v;
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
