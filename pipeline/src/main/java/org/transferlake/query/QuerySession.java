package org.transferlake.query;

import java.util.List;
import org.transferlake.backbone.ModelStore;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;

/** A session for people querying the lake: its tables by name, and the views for the configured backbone. */
public final class QuerySession {
    private QuerySession() {}

    /**
     * Registers the lake's tables in the session's catalog and defines its views for the configured
     * backbone (whose id this computes: a digest of its files, cached for a bundled one).
     */
    public static List<Tables.Registration> attach(Lake lake) {
        String backboneId = ModelStore.configuredBackboneId(
                lake.config(), lake.spark().sparkContext().hadoopConfiguration());
        return new Tables(lake.spark(), lake.root()).registerAll(backboneId);
    }
}
