// Internal: the librdkafka configuration of a Publisher (publisher.hpp) and the CloudEvents
// headers of its messages. Pure functions of their arguments.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>

#include "ledger/producer/publisher.hpp"

namespace ledger::producer::detail {

// The Publisher's settings (idempotence, acks=all, murmur2 partitioner, ...), then
// options.brokers, then options.properties in order, each set checked; the callbacks are
// registered last. Throws ConfigError naming the property and librdkafka's reason.
std::unique_ptr<RdKafka::Conf> make_publisher_conf(const PublisherOptions& options,
                                                   RdKafka::DeliveryReportCb* delivery_cb,
                                                   RdKafka::EventCb* event_cb);

// The six CloudEvents headers of `event` (binary content mode). The caller owns the result
// until produce() succeeds. REQUIRES: event_id, agent_id and occurred_at set.
std::unique_ptr<RdKafka::Headers> make_cloudevents_headers(const ledger::v1::Event& event,
                                                           const std::string& source_prefix);

}  // namespace ledger::producer::detail
