package dev.gale.examples;

import dev.gale.examples.recommender.DeployRecommender;
import dev.gale.examples.recommender.RetrainRecommender;
import dev.gale.examples.sql.SqlAssistant;
import dev.gale.examples.support.SupportAnswer;
import dev.gale.examples.support.SupportStream;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import java.util.List;

/** The DAGs that ship with Gale and load in standalone. */
public final class ExampleDags implements DagBundle {
    @Override
    public List<Dag> dags() {
        return List.of(HelloDag.dag(), BranchingDemo.dag(), MappingDemo.dag(), RetryDemo.dag(), CronDemo.dag(),
                PolyglotDemoDag.dag(), GpuDemo.dag(), LlmRoutingDemo.dag(), ExperimentDemo.dag(),
                ReportDemo.dag(), RagIngest.dag(), RagAnswer.dag(), RagAnswerReviewed.dag(), RagEval.dag(),
                SupportStream.dag(), SupportAnswer.dag(), InboxDemo.dag(), SqlAssistant.dag(), PromptEval.dag(),
                RetrainRecommender.dag(), DeployRecommender.dag());
    }
}
