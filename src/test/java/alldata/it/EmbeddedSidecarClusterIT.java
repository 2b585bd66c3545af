package alldata.it;

import alldata.dev.EmbeddedKafka;

/** The cluster suite on the product's own embedded KRaft broker. */
class EmbeddedSidecarClusterIT extends SidecarClusterSuite {
    private EmbeddedKafka kafka;

    @Override
    protected String bootstrapServers() {
        if (kafka == null) {
            try {
                kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
            } catch (Exception e) {
                throw new IllegalStateException("embedded broker did not start", e);
            }
        }
        return kafka.bootstrapServers();
    }

    @Override
    protected void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }
}
