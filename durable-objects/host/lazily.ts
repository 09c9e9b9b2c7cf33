/**
 * A value made on first use, then kept. Capabilities make their tools this way: a tool's schemas
 * (zod, and the JSON Schema the model is shown) are built only when a turn asks for tools, not every
 * time the object starts. Most starts are an alarm (a reminder, a planned message) or a socket that
 * needs no tools, and an object that hibernates starts many times a day.
 */
export function lazily<Value>(make: () => Value): () => Value {
  let made: { value: Value } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
