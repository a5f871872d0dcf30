#include "nul_bytes.hpp"

#include <string_view>

namespace ledger::events::detail {
namespace {

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

void name_nul_bytes(const google::protobuf::Message& message, const std::string& prefix,
                    std::vector<FieldError>& errors);

// Whether any text field of `message` or of a message inside it holds a NUL byte. Builds no
// paths, so the common case (none) costs one pass over the set fields. A map is a repeated
// message of (key, value) entries to reflection, so its keys and values are covered too.
bool contains_nul(const google::protobuf::Message& message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const bool text = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                      field->type() != FieldDescriptor::TYPE_BYTES;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!text && !nested) continue;
    std::string scratch;
    if (!field->is_repeated()) {
      if (text ? has_nul(reflection->GetStringReference(message, field, &scratch))
               : contains_nul(reflection->GetMessage(message, field))) {
        return true;
      }
      continue;
    }
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      if (text ? has_nul(reflection->GetRepeatedStringReference(message, field, i, &scratch))
               : contains_nul(reflection->GetRepeatedMessage(message, field, i))) {
        return true;
      }
    }
  }
  return false;
}

// A map key as it stands in a path, NUL bytes written as \0.
std::string key_text(std::string_view key) {
  std::string out;
  for (char c : key) out += c == '\0' ? std::string("\\0") : std::string(1, c);
  return out;
}

// A map's entries: a NUL in a key or a text value is named `path[key]`.
void check_map_entries(const google::protobuf::Message& message,
                       const google::protobuf::FieldDescriptor* field, const std::string& path,
                       std::vector<FieldError>& errors) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
    const google::protobuf::Message& entry = reflection->GetRepeatedMessage(message, field, i);
    const google::protobuf::Reflection* entry_reflection = entry.GetReflection();
    const FieldDescriptor* key = field->message_type()->map_key();
    const FieldDescriptor* value = field->message_type()->map_value();
    std::string scratch;
    const std::string key_value = key->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                                      ? entry_reflection->GetStringReference(entry, key, &scratch)
                                      : std::to_string(i);
    const std::string entry_path = path + "[" + key_text(key_value) + "]";
    if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      name_nul_bytes(entry_reflection->GetMessage(entry, value), entry_path, errors);
    }
    const bool value_has_nul =
        value->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        value->type() != FieldDescriptor::TYPE_BYTES &&
        has_nul(entry_reflection->GetStringReference(entry, value, &scratch));
    if (has_nul(key_value) || value_has_nul) {
      errors.push_back(FieldError{entry_path, kNulBytesReason});
    }
  }
}

// Every text field of `message` and of the messages inside it (repeated fields and maps too):
// a NUL byte is an error named by the field's path (PostgreSQL text cannot store one, and it
// would otherwise surface only as a failed write).
void name_nul_bytes(const google::protobuf::Message& message, const std::string& prefix,
                    std::vector<FieldError>& errors) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
    if (field->is_map()) {
      check_map_entries(message, field, path, errors);
      continue;
    }
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      std::string scratch;
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
          field->type() != FieldDescriptor::TYPE_BYTES) {
        const std::string& text =
            field->is_repeated()
                ? reflection->GetRepeatedStringReference(message, field, i, &scratch)
                : reflection->GetStringReference(message, field, &scratch);
        if (has_nul(text)) {
          errors.push_back(FieldError{path, kNulBytesReason});
          break;
        }
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        name_nul_bytes(field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                            : reflection->GetMessage(message, field),
                       path, errors);
      }
    }
  }
}

}  // namespace

// The path-naming walk builds a path string per field; it runs only when the fast pass found a
// NUL (rare), so the hot path of a clean event is contains_nul() alone.
void check_no_nul_bytes(const google::protobuf::Message& message, const std::string& prefix,
                        std::vector<FieldError>& errors) {
  if (contains_nul(message)) name_nul_bytes(message, prefix, errors);
}

}  // namespace ledger::events::detail
