;; Test plugin: a component whose core module loops for ever in its start
;; function, so that instantiating it never finishes. It exports the
;; reporter interface by name so the host gets as far as instantiating it;
;; the host must stop it at its deadline.
;;
;; Written in the WebAssembly text format because a Rust plugin cannot put
;; code in a start function; the host's tests assemble it.
(component
  (core module $spin
    (func $forever
      (loop $again
        (br $again)))
    (func (export "nothing"))
    (start $forever))
  (core instance $spin (instantiate $spin))
  (func $nothing (canon lift (core func $spin "nothing")))
  (instance $reporter
    (export "describe" (func $nothing))
    (export "render" (func $nothing)))
  (export "espaces-metiers:plugin/reporter@0.1.0" (instance $reporter)))
