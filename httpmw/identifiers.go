package httpmw

// emptyBody is the answer of identifier operations that return no data
// ({}; the official clients parse any 2xx body as JSON).
var emptyBody = struct{}{}
