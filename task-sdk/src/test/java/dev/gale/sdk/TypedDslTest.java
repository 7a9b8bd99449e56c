package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.ResourceSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TypedDslTest {
    record Chunk(String text, int index) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A context whose upstream outputs and map item are these JSON documents, read as the runtime reads them. */
    private static TaskContext context(Map<String, String> outputs, String item) {
        return (TaskContext) Proxy.newProxyInstance(TaskContext.class.getClassLoader(), new Class<?>[] {TaskContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "input" -> JSON.readValue(outputs.get((String) args[0]),
                            JSON.getTypeFactory().constructType(((TypeToken<?>) args[1]).type()));
                    case "inputs" -> JSON.readValue(outputs.get((String) args[0]), JSON.getTypeFactory()
                            .constructCollectionType(List.class, JSON.getTypeFactory()
                                    .constructType(((TypeToken<?>) args[1]).type())));
                    case "item" -> JSON.readValue(item, JSON.getTypeFactory().constructType(((TypeToken<?>) args[0]).type()));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void oneCallDeclaresTheEdgeAndHandsTheTypedOutputToTheCode() throws Exception {
        DagBuilder d = Dag.builder("typed");
        Task<String> greet = d.task("greet", String.class, ctx -> "Hello");
        Task<Integer> count = d.task("count", Integer.class, ctx -> 3);
        Task<String> shout = d.task("shout", String.class, greet, g -> g.toUpperCase() + "!");
        Task<String> both = d.task("both", String.class, shout, count, (s, n) -> s.repeat(n));
        Dag dag = d.result(both).build();

        assertThat(dag.spec().tasks()).extracting(t -> t.taskId() + "<" + t.upstream())
                .containsExactly("both<[count, shout]", "count<[]", "greet<[]", "shout<[greet]");
        assertThat(dag.spec().resultTaskId()).isEqualTo("both");
        Object out = dag.taskFunction("both").orElseThrow()
                .run(context(Map.of("shout", "\"HI!\"", "count", "2"), null));
        assertThat(out).isEqualTo("HI!HI!");
    }

    @Test
    void aGenericListTypeReachesTheCodeAsRecordsAndMappingGoesOverIt() throws Exception {
        DagBuilder d = Dag.builder("chunks");
        Task<List<Chunk>> split = d.task("split", new TypeToken<List<Chunk>>() { }, ctx -> List.of(new Chunk("a", 0)));
        Task<List<Integer>> lengths = d.map("length", Integer.class, split, c -> c.text().length() + c.index());
        Task<Integer> total = d.task("total", Integer.class, lengths,
                ls -> ls.stream().mapToInt(Integer::intValue).sum());
        Dag dag = d.result(total).build();

        TaskSpec length = dag.spec().tasks().stream().filter(t -> t.taskId().equals("length")).findFirst().orElseThrow();
        assertThat(length.expand().name()).isEqualTo("split");
        assertThat(length.upstream()).containsExactly("split");
        assertThat(dag.taskFunction("length").orElseThrow()
                .run(context(Map.of(), "{\"text\":\"abc\",\"index\":2}"))).isEqualTo(5);
        assertThat(dag.taskFunction("total").orElseThrow()
                .run(context(Map.of("length", "[1, 2, 4]"), null))).isEqualTo(7);
    }

    @Test
    void mappedCodeMayTakeTheContextBesideItsElement() throws Exception {
        DagBuilder d = Dag.builder("mapped_with_context");
        Task<List<Chunk>> split = d.task("split", new TypeToken<List<Chunk>>() { }, ctx -> List.of(new Chunk("a", 0)));
        Task<List<String>> labelled = d.map("label", String.class, split,
                (ctx, c) -> ctx.input("prefix", TypeToken.of(String.class)) + c.text() + c.index());
        Dag dag = d.result(labelled).build();

        assertThat(dag.spec().tasks().stream().filter(t -> t.taskId().equals("label")).findFirst().orElseThrow()
                .expand().name()).isEqualTo("split");
        assertThat(dag.taskFunction("label").orElseThrow()
                .run(context(Map.of("prefix", "\"#\""), "{\"text\":\"b\",\"index\":3}"))).isEqualTo("#b3");
    }

    @Test
    void mappingOverWhatIsNotAListFailsAtBuildNamingTheDagAndTask() {
        DagBuilder d = Dag.builder("bad_map");
        Task<String> one = d.task("one", String.class, ctx -> "x");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Task<List<String>> notAList = (Task) one;

        assertThatThrownBy(() -> d.map("each", String.class, notAList, s -> s))
                .isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("bad_map").hasMessageContaining("'each'").hasMessageContaining("not a List");
    }

    @Test
    void resourcesAreNamedAndOptionsStayOnTheHandle() {
        DagBuilder d = Dag.builder("gpu");
        d.task("embed", String.class, ctx -> "v")
                .resources(Resources.cpus(1).memoryMb(2048).withGpus(1).gpuMemoryMb(16_384))
                .pool("gpus").queue("gpu").llm(ModelNeeds.chat());
        TaskSpec embed = d.build().spec().tasks().getFirst();

        assertThat(embed.resources()).isEqualTo(new ResourceSpec(1, 2048, 1, 16_384));
        assertThat(embed.pool()).isEqualTo("gpus");
        assertThat(embed.queue()).isEqualTo("gpu");
        assertThat(embed.llm()).isNotNull();
    }

    @Test
    void theReadmesNightlyScoresBuildsWithTheEdgesItDraws() {
        TypeToken<List<Integer>> shards = new TypeToken<>() { };
        DagBuilder dag = Dag.builder("nightly_scores").param(Param.integer("shards").defaultValue(4));
        Task<List<Integer>> plan = dag.task("plan", shards, ctx ->
                java.util.stream.IntStream.range(0, ctx.param("shards", Integer.class)).boxed().toList());
        Task<List<Double>> score = dag.map("score", Double.class, plan, shard -> 0.5 + shard / 100.0)
                .retries(3, java.time.Duration.ofSeconds(10))
                .options(t -> t.exponentialBackoff(java.time.Duration.ofMinutes(5)))
                .pool("warehouse").resources(Resources.cpus(2).memoryMb(4096));
        TaskBuilder check = dag.branch("check", ctx -> List.of("publish")).after(score.builder());
        Task<String> publish = dag.task("publish", String.class, ctx -> "published").after(check)
                .options(t -> t.writes("report://scores"));
        Task<String> alert = dag.task("alert", String.class, ctx -> "alerted").after(check);
        dag.task("done", String.class, ctx -> "ok").after(publish, alert)
                .triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        Dag built = dag.result(publish).build();

        assertThat(built.spec().tasks()).extracting(t -> t.taskId() + "<" + t.upstream()).containsExactly(
                "alert<[check]", "check<[score]", "done<[alert, publish]", "plan<[]", "publish<[check]", "score<[plan]");
        assertThat(built.spec().tasks().get(5).resources()).isEqualTo(new ResourceSpec(2, 4096, 0, 0));
    }
}
