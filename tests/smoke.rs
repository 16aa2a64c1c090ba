mod common;
use netlens::net::client::PageLoader;
use netlens::record::FetchRequest;

#[test]
fn smoke() {
    let demo = common::start_demo();
    let loader = PageLoader::new(&demo.options()).unwrap();
    let result = loader.run(&FetchRequest::parse(&demo.url("/")).unwrap(), &mut |_| {});
    for e in &result.exchanges {
        println!("{} {:?} {:?} {:?} reused={:?}", e.url, e.status(), e.error, e.timings, e.connect.as_ref().map(|c| c.reused));
    }
    println!("{}", netlens::record::bytes::escape_bytes(result.exchanges[0].request.kept()));
    println!("{}", netlens::record::bytes::escape_bytes(&result.exchanges[0].response.kept()[..300]));
    println!("{:?}", result.exchanges[0].dns);
    println!("{:?}", result.exchanges[0].tcp);
    let r = loader.run(&FetchRequest::parse(&demo.https_url("/moved")).unwrap(), &mut |_| {});
    for e in &r.exchanges { println!("{} {:?} {:?} {:?}", e.url, e.status(), e.error, e.tls); }
}
