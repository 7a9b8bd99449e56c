package dev.gale.assets.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetKind;
import dev.gale.assets.AssetReference;
import dev.gale.assets.AssetReference.Direction;
import dev.gale.testing.TestPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class JooqAssetRegistryIT {

    @Test
    void declaredAssetsAreCreatedOnceWithAKindFromTheirNameAndRememberWhoUsesThem() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        AssetMigrations.migrate(dataSource);
        JooqAssetRegistry registry = new JooqAssetRegistry(DSL.using(dataSource, SQLDialect.POSTGRES));
        List<AssetReference> refs = List.of(
                new AssetReference("model://churn", "train", "fit", Direction.OUTLET),
                new AssetReference("model://churn", "report", "score", Direction.INLET),
                new AssetReference("s3://bucket/docs", "train", "load", Direction.INLET));

        registry.declare(refs);
        registry.declare(refs);

        assertThat(registry.list()).extracting(Asset::name, Asset::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("model://churn", AssetKind.MODEL),
                org.assertj.core.groups.Tuple.tuple("s3://bucket/docs", AssetKind.DATASET));
        assertThat(registry.references("model://churn")).containsExactly(
                new AssetReference("model://churn", "report", "score", Direction.INLET),
                new AssetReference("model://churn", "train", "fit", Direction.OUTLET));
    }
}
