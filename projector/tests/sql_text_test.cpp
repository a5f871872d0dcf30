// struct_json: a protobuf Struct as JSON text for a jsonb column, equal to what protobuf's own
// JSON printer writes (it replaced that printer on the hot path).
#include "ledger/projector/sql_text.hpp"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace ledger::projector {
namespace {

google::protobuf::Struct rich_struct() {
  google::protobuf::Struct value;
  auto& fields = *value.mutable_fields();
  fields["integral"].set_number_value(42);
  fields["negative"].set_number_value(-7);
  fields["fraction"].set_number_value(0.1);
  fields["tiny"].set_number_value(1.5e-9);
  fields["huge"].set_number_value(1e21);
  fields["flag"].set_bool_value(true);
  fields["nothing"].set_null_value(google::protobuf::NULL_VALUE);
  fields["text"].set_string_value("quote \" backslash \\ newline \n tab \t unicode \u00e9\u20ac");
  auto& nested = *fields["nested"].mutable_struct_value()->mutable_fields();
  nested["rsi"].set_number_value(71.25);
  nested["period"].set_number_value(14);
  auto& list = *fields["list"].mutable_list_value();
  list.add_values()->set_number_value(1);
  list.add_values()->set_string_value("two");
  list.add_values()->mutable_struct_value();
  list.add_values()->mutable_list_value();
  return value;
}

TEST(StructJson, EqualsProtobufsJsonPrinter) {
  const google::protobuf::Struct value = rich_struct();
  std::string expected;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(value, &expected).ok());
  EXPECT_EQ(nlohmann::json::parse(struct_json(value)), nlohmann::json::parse(expected))
      << struct_json(value) << "\nvs\n"
      << expected;
}

TEST(StructJson, IntegralNumbersHaveNoFraction) {
  google::protobuf::Struct value;
  (*value.mutable_fields())["n"].set_number_value(42);
  (*value.mutable_fields())["big"].set_number_value(9007199254740991.0);
  EXPECT_EQ(struct_json(value).find("42.0"), std::string::npos) << struct_json(value);
  EXPECT_NE(struct_json(value).find("\"n\":42"), std::string::npos) << struct_json(value);
  EXPECT_NE(struct_json(value).find("9007199254740991"), std::string::npos);
}

TEST(StructJson, EmptyAndNonFiniteGiveAnEmptyObject) {
  EXPECT_EQ(struct_json(google::protobuf::Struct()), "{}");
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    google::protobuf::Struct value;
    (*(*value.mutable_fields())["deep"].mutable_struct_value()->mutable_fields())["x"]
        .set_number_value(bad);
    EXPECT_EQ(struct_json(value), "{}");
  }
}

}  // namespace
}  // namespace ledger::projector
